package seal

import (
	"bytes"
	"strconv"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"hoso"
)

// KeepPages seals a born-digital PDF without redrawing it: its own pages
// (only the document's, when the file holds more), with meta added to its
// information dictionary and as its XMP metadata. pages are 1-based.
func KeepPages(data []byte, pages []int, meta Metadata) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, hoso.Errorf(hoso.EDamagedFile, "the PDF file cannot be rewritten")
		}
	}()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	// A classic cross-reference table: pdfsign's update of a file with an
	// xref stream drops the trailer's /Info, and the metadata with it.
	conf.WriteXRefStream = false
	conf.WriteObjectStream = false
	ctx, err := api.ReadContext(bytes.NewReader(data), conf)
	if err != nil {
		return nil, hoso.WrapError(hoso.EDamagedFile, "the PDF file cannot be read", err)
	}
	if len(pages) < ctx.PageCount {
		sel := make([]string, len(pages))
		for i, n := range pages {
			sel[i] = strconv.Itoa(n)
		}
		var buf bytes.Buffer
		if err := api.Trim(bytes.NewReader(data), &buf, sel, conf); err != nil {
			return nil, hoso.WrapError(hoso.EDamagedFile, "the document's pages cannot be taken from the PDF", err)
		}
		if ctx, err = api.ReadContext(bytes.NewReader(buf.Bytes()), conf); err != nil {
			return nil, hoso.WrapError(hoso.EDamagedFile, "the PDF file cannot be read", err)
		}
	}
	props := map[string]string{}
	for _, e := range []struct{ k, v string }{{"Title", meta.Title}, {"Subject", meta.Subject}, {"Author", meta.Author}, {"Keywords", meta.Keywords}} {
		if e.v != "" {
			props[e.k] = e.v
		}
	}
	for _, k := range meta.CustomOrder {
		if isName(k) {
			props[k] = meta.Custom[k]
		}
	}
	if err := pdfcpu.PropertiesAdd(ctx, props); err != nil {
		return nil, err
	}
	sd := types.StreamDict{Dict: types.NewDict(), Content: []byte(xmpPacket(meta))}
	sd.InsertName("Type", "Metadata")
	sd.InsertName("Subtype", "XML")
	if err := sd.Encode(); err != nil {
		return nil, err
	}
	ref, err := ctx.XRefTable.IndRefForNewObject(sd)
	if err != nil {
		return nil, err
	}
	root, err := ctx.XRefTable.Catalog()
	if err != nil {
		return nil, hoso.WrapError(hoso.EDamagedFile, "the PDF file has no catalog", err)
	}
	root["Metadata"] = *ref
	var buf bytes.Buffer
	if err := api.WriteContext(ctx, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
