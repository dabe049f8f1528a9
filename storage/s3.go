package storage

import (
	"context"
	"errors"
	"io"
	"net"
	"sort"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"hoso"
)

// S3 keeps objects in a bucket of an S3-compatible server (MinIO, AWS, ...).
type S3 struct {
	client *minio.Client
	bucket string
}

var _ Store = (*S3)(nil)

// S3Config says where the bucket is.
type S3Config struct {
	Endpoint  string // host:port
	Bucket    string
	AccessKey string
	SecretKey string
	Secure    bool // HTTPS
}

// NewS3 connects to the server and creates the bucket when missing.
func NewS3(ctx context.Context, c S3Config) (*S3, error) {
	cl, err := minio.New(c.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: c.Secure,
	})
	if err != nil {
		return nil, hoso.WrapError(hoso.EInvalid, "bad S3 settings", err)
	}
	ok, err := cl.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, classifyS3("", err)
	}
	if !ok {
		if err := cl.MakeBucket(ctx, c.Bucket, minio.MakeBucketOptions{}); err != nil {
			// Processes starting together race to make it: one wins.
			if again, _ := cl.BucketExists(ctx, c.Bucket); !again {
				return nil, classifyS3("", err)
			}
		}
	}
	return &S3{client: cl, bucket: c.Bucket}, nil
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64) (Object, error) {
	if err := CheckKey(key); err != nil {
		return Object{}, err
	}
	info, err := s.client.PutObject(ctx, s.bucket, key, r, size, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		if hoso.ErrorCode(err) == hoso.ETooLarge {
			return Object{}, err
		}
		var he *hoso.Error
		if errors.As(err, &he) {
			return Object{}, err
		}
		return Object{}, classifyS3(key, err)
	}
	return Object{Key: key, Size: info.Size, ModTime: info.LastModified}, nil
}

// Move implements Store: a server-side copy, then the source deleted.
func (s *S3) Move(ctx context.Context, src, dst string) (Object, error) {
	if err := CheckKey(src); err != nil {
		return Object{}, err
	}
	if err := CheckKey(dst); err != nil {
		return Object{}, err
	}
	if _, err := s.client.CopyObject(ctx, minio.CopyDestOptions{Bucket: s.bucket, Object: dst},
		minio.CopySrcOptions{Bucket: s.bucket, Object: src}); err != nil {
		return Object{}, classifyS3(src, err)
	}
	if err := s.Delete(ctx, src); err != nil {
		return Object{}, err
	}
	return s.Stat(ctx, dst)
}

// Get implements Store.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Object, error) {
	obj, err := s.Stat(ctx, key)
	if err != nil {
		return nil, Object{}, err
	}
	o, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Object{}, classifyS3(key, err)
	}
	return o, obj, nil
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, key string) (Object, error) {
	if err := CheckKey(key); err != nil {
		return Object{}, err
	}
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Object{}, classifyS3(key, err)
	}
	return Object{Key: key, Size: info.Size, ModTime: info.LastModified}, nil
}

// Delete implements Store.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if hoso.ErrorCode(classifyS3(key, err)) == hoso.ENotFound {
			return nil
		}
		return classifyS3(key, err)
	}
	return nil
}

// List implements Store.
func (s *S3) List(ctx context.Context, prefix string) ([]Object, error) {
	var out []Object
	for info := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if info.Err != nil {
			return nil, classifyS3("", info.Err)
		}
		out = append(out, Object{Key: info.Key, Size: info.Size, ModTime: info.LastModified})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// classifyS3 turns minio-go's errors into hoso codes, so that nothing
// outside this package sees a minio type.
func classifyS3(key string, err error) error {
	resp := minio.ToErrorResponse(err)
	switch resp.Code {
	case "NoSuchKey", "NoSuchBucket":
		return hoso.WrapError(hoso.ENotFound, "no object "+key, err)
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch":
		return hoso.WrapError(hoso.EForbidden, "object storage refused the credentials", err)
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || resp.StatusCode >= 500 {
		return hoso.WrapError(hoso.EUnavailable, "object storage unavailable", err)
	}
	return hoso.WrapError(hoso.EUnavailable, "object storage error", err)
}
