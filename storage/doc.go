// Package storage will keep originals, page images and signed files on local
// disk or S3 (minio-go) behind one interface. Nothing is built here yet: it
// comes with the queued-pipeline issue.
package storage
