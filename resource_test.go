package jigsaw_test

import (
	"archive/zip"
	"bytes"
	"testing"

	"jigsaw"
)

// zipOf makes a ZIP archive holding the named files.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	// The mimetype of an OpenDocument comes first, as the format asks.
	for _, name := range []string{"mimetype", "[Content_Types].xml", "word/document.xml", "content.xml", "evil.exe"} {
		if body, ok := files[name]; ok {
			w, err := zw.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(body))
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSniffFile(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       string // "" for refused
	}{
		{"PDF", "a.txt", []byte("%PDF-1.7\n..."), "application/pdf"},
		{"PNG", "a.pdf", []byte("\x89PNG\r\n\x1a\n\x00\x00"), "image/png"},
		{"JPEG", "a", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "image/jpeg"},
		{"text", "notes.html", []byte("Plain words.\r\nMore.\n"), "text/plain; charset=utf-8"},
		{"CSV", "figures.CSV", []byte("trust,value\nAiredale,100\n"), "text/csv; charset=utf-8"},
		{"ODT", "a.zip", zipOf(t, map[string]string{"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}),
			"application/vnd.oasis.opendocument.text"},
		{"DOCX", "a.bin", zipOf(t, map[string]string{"[Content_Types].xml": "<x/>", "word/document.xml": "<x/>"}),
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"other ZIP", "a.docx", zipOf(t, map[string]string{"evil.exe": "MZ"}), ""},
		{"HTML", "a.pdf", []byte("<!DOCTYPE html><p>hi"), ""},
		{"HTML after text", "a.txt", []byte("Hello\n<script>alert(1)</script>"), ""},
		{"SVG", "a.png", []byte(" \n<svg xmlns='http://www.w3.org/2000/svg'/>"), ""},
		{"XML", "a.txt", []byte("\ufeff<?xml version='1.0'?><a/>"), ""},
		{"Windows program", "a.pdf", []byte("MZ\x90\x00\x03\x00"), ""},
		{"ELF program", "a.txt", []byte("\x7fELF\x02\x01\x01"), ""},
		{"script", "run.txt", []byte("#!/bin/sh\nrm -rf /\n"), ""},
		{"binary", "a.txt", []byte("abc\x00def"), ""},
		{"not UTF-8", "a.txt", []byte("caf\xe9"), ""},
		{"empty", "a.txt", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := jigsaw.SniffFile(tc.file, tc.data)
			if got.ContentType != tc.want || ok != (tc.want != "") {
				t.Errorf("got %q %v, want %q", got.ContentType, ok, tc.want)
			}
		})
	}
}

func TestNewResourceFile(t *testing.T) {
	f, err := jigsaw.NewResourceFile("file", `..\..\Windows\TUPE guidance (final).exe`, []byte("%PDF-1.4\n"), 100)
	if err != nil || f.Name != "TUPE-guidance-final.pdf" || f.ContentType != "application/pdf" || f.Size != 9 || len(f.SHA256) != 64 {
		t.Fatalf("got %+v, %v", f, err)
	}
	if _, err := jigsaw.NewResourceFile("file", "a.pdf", []byte("%PDF-1.4\n"), 5); jigsaw.ErrorCode(err) != jigsaw.ETOOLARGE ||
		jigsaw.FieldErrors(err)["file"] != "The file is larger than 5 bytes, the most a file may be." {
		t.Errorf("too large: %v", err)
	}
	if _, err := jigsaw.NewResourceFile("file", "a.pdf", []byte("<html>"), 100); jigsaw.ErrorCode(err) != jigsaw.EINVALID ||
		jigsaw.FieldErrors(err)["file"] == "" {
		t.Errorf("wrong type: %v", err)
	}
	for in, want := range map[string]string{"a/../../etc/passwd": "passwd.txt", "\"quoted\";x.txt": "quoted-x.txt", "…": "file.txt",
		"Café menu.txt": "Caf-menu.txt", ".hidden": "file.txt"} {
		if got := jigsaw.SafeFileName(in, ".txt"); got != want {
			t.Errorf("SafeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
