package jigsaw

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParsePence(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		err  string
	}{
		{"£1,234.56", 123456, ""},
		{"1234.5", 123450, ""},
		{" £4,000 ", 400000, ""},
		{"0.01", 1, ""},
		{".5", 50, ""},
		{"£20 billion", 2_000_000_000_000, ""},
		{"£20bn", 2_000_000_000_000, ""},
		{"£1.5m", 150_000_000, ""},
		{"£2.345678 million", 234_567_800, ""},
		{"GBP 300k", 30_000_000, ""},
		{"£92,233,720,368,547,758.07", math.MaxInt64, ""},
		{"£92,233,720,368,547,758.08", 0, "too large"},
		{"£1.234", 0, "finer than a penny"},
		{"£1.123456789m", 0, "finer than a penny"},
		{"-5", 0, "negative"},
		{"£-5", 0, "negative"},
		{"−£5", 0, "negative"},
		{"1,23", 0, "misplaced commas"},
		{"12,3456", 0, "misplaced commas"},
		{"five pounds", 0, "not a number"},
		{"£", 0, "not a number"},
		{"1e6", 0, "not a number"},
		{"0x10", 0, "not a number"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePence(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %d, %v; want an error %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %d, %v; want %d", got, err, tt.want)
			}
		})
	}
	if _, err := ParsePence("-1"); !errors.Is(err, ErrNegative) {
		t.Fatalf("negative: got %v, want ErrNegative", err)
	}
}

func TestFormatPence(t *testing.T) {
	for _, tt := range []struct {
		in   int64
		want string
	}{
		{0, "£0"}, {1, "£0.01"}, {123456, "£1,234.56"}, {400000, "£4,000"}, {2_000_000_000_000, "£20,000,000,000"}, {-150, "-£1.50"},
	} {
		if got := FormatPence(tt.in); got != tt.want {
			t.Errorf("FormatPence(%d): got %q, want %q", tt.in, got, tt.want)
		}
		// What is written reads back exactly.
		if tt.in >= 0 {
			if back, err := ParsePence(FormatPence(tt.in)); err != nil || back != tt.in {
				t.Errorf("round trip of %d: got %d, %v", tt.in, back, err)
			}
		}
	}
	if got := PenceText(123450); got != "1,234.50" {
		t.Errorf("PenceText: got %q", got)
	}
}

func TestBasisPoints(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		err  bool
	}{
		{"47.35", 4735, false}, {"58 %", 5800, false}, {"100", 10000, false}, {"47.5%", 4750, false}, {"0.01", 1, false},
		{"120", 12000, false}, // the caller refuses it, naming its field
		{"47.355", 0, true}, {"-3", 0, true}, {"half", 0, true}, {"1,000", 0, true}, {"", 0, true},
	} {
		got, err := ParseBasisPoints(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseBasisPoints(%q): got %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	for bp, want := range map[int]string{4735: "47.35", 5800: "58", 4750: "47.5", 5: "0.05", 10000: "100"} {
		if got := FormatBasisPoints(bp); got != want {
			t.Errorf("FormatBasisPoints(%d): got %q, want %q", bp, got, want)
		}
	}
}

func TestDates(t *testing.T) {
	p := Problems{}
	CheckDate(p, "a", "A", "2025-02-29", false)
	CheckDate(p, "b", "B", "2025-09", false)
	CheckDate(p, "c", "C", "2025-09", true)
	CheckDate(p, "d", "D", "2024-02-29", false)
	CheckDate(p, "e", "E", "25-9-1", true)
	if len(p) != 3 || p["a"] == "" || p["b"] == "" || p["e"] == "" {
		t.Fatalf("CheckDate problems: %v", p)
	}
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"2025-03-01", "2025-03-02", true}, {"2025-03-02", "2025-03-01", false}, {"2025-02", "2025-03-01", true},
		{"2025-03", "2025-03-10", false}, {"2024", "2025-01", true}, {"2025-02", "2025-02-28", false},
	} {
		if got := DateBefore(tt.a, tt.b); got != tt.want {
			t.Errorf("DateBefore(%s, %s): got %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	if n := DaysBetween("2025-09-15", "2025-09-17"); n != 3 {
		t.Errorf("DaysBetween: got %d, want 3", n)
	}
}
