package jigsaw

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Money is kept as whole pence in an int64 and percentages as basis points
// (hundredths of a per cent): both are parsed from their decimal text with
// integer arithmetic only, so "£1,234.56" is exactly 123456 pence and a
// 47.35 % turnout exactly 4735 basis points. A float never touches them.

// ErrNegative is returned by ParsePence for a negative sum.
var ErrNegative = errors.New("must not be negative")

// moneyScales are the words and abbreviations people write after a sum.
var moneyScales = []struct {
	suffix string
	pounds int64
}{
	{"billion", 1_000_000_000}, {"bn", 1_000_000_000}, {"b", 1_000_000_000},
	{"million", 1_000_000}, {"m", 1_000_000},
	{"thousand", 1_000}, {"k", 1_000},
}

// ParsePence reads a sum of money in pounds as people write it: "£1,234.56",
// "1234.5", "£4,000", "£20 billion", "£1.5m", "GBP 300k". It returns whole
// pence, exactly; a sum finer than a penny, a negative sum (ErrNegative) or
// one too large for an int64 is refused.
func ParsePence(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "gbp")
	t = strings.TrimSpace(t)
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "−") || strings.HasPrefix(t, "£-") || strings.HasPrefix(t, "£−") {
		return 0, ErrNegative
	}
	t = strings.TrimPrefix(t, "£")
	scale := int64(1)
	for _, sc := range moneyScales {
		if strings.HasSuffix(t, sc.suffix) {
			t = strings.TrimSpace(strings.TrimSuffix(t, sc.suffix))
			scale = sc.pounds
			break
		}
	}
	whole, frac, err := splitDecimal(t)
	if err != nil {
		return 0, err
	}
	// pence = (whole + frac/10^len(frac)) × scale × 100, in integers.
	unit := scale * 100
	digits := int64(1)
	for range frac {
		digits *= 10
	}
	if digits > unit {
		return 0, errors.New("is finer than a penny")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/unit {
		return 0, errors.New("is too large")
	}
	p := w * unit
	if frac != "" {
		f, err := strconv.ParseInt(frac, 10, 64)
		if err != nil {
			return 0, errors.New("is not a number")
		}
		add := f * (unit / digits)
		if p > math.MaxInt64-add {
			return 0, errors.New("is too large")
		}
		p += add
	}
	return p, nil
}

// splitDecimal splits "1,234.56" into "1234" and "56", checking that commas
// group thousands and that only digits remain.
func splitDecimal(s string) (whole, frac string, err error) {
	whole, frac, _ = strings.Cut(s, ".")
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		for i, g := range groups {
			if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
				return "", "", errors.New("has misplaced commas")
			}
		}
		whole = strings.Join(groups, "")
	}
	if whole == "" && frac == "" {
		return "", "", errors.New("is not a number")
	}
	if whole == "" {
		whole = "0"
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return "", "", errors.New("is not a number")
			}
		}
	}
	if len(whole) > 19 {
		return "", "", errors.New("is too large")
	}
	return whole, frac, nil
}

// FormatPence writes pence as pounds with thousands separated: "£1,234.56",
// or "£4,000" when there are no pence.
func FormatPence(p int64) string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	s := sign + "£" + groupThousands(strconv.FormatInt(p/100, 10))
	if p%100 != 0 {
		s += "." + leftPad(strconv.FormatInt(p%100, 10), 2)
	}
	return s
}

// PenceText writes pence for a form field: "1234.56", "4000"; "" for zero.
func PenceText(p int64) string {
	if p == 0 {
		return ""
	}
	return strings.TrimPrefix(FormatPence(p), "£")
}

// FormatCount writes a whole number with thousands separated: "1,000".
func FormatCount(n int64) string {
	if n < 0 {
		return "-" + groupThousands(strconv.FormatInt(-n, 10))
	}
	return groupThousands(strconv.FormatInt(n, 10))
}

func groupThousands(digits string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// MaxBasisPoints is 100 %.
const MaxBasisPoints = 10000

// ParseBasisPoints reads a percentage with at most two decimals, with or
// without a "%" sign ("47.35", "58 %", "100"), as basis points: 4735, 5800,
// 10000. It does not check the upper bound: callers say which field went
// over 100 %.
func ParseBasisPoints(s string) (int, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "−") {
		return 0, ErrNegative
	}
	whole, frac, err := splitDecimal(t)
	if err != nil || strings.Contains(t, ",") {
		return 0, errors.New("is not a percentage")
	}
	if len(frac) > 2 {
		return 0, errors.New("has more than two decimals")
	}
	if len(whole) > 6 {
		return 0, errors.New("is too large")
	}
	w, _ := strconv.Atoi(whole)
	f := 0
	if frac != "" {
		f, _ = strconv.Atoi(leftPadRight(frac, 2))
	}
	return w*100 + f, nil
}

// leftPadRight pads s with zeros on the right to n digits: "5" → "50".
func leftPadRight(s string, n int) string {
	for len(s) < n {
		s += "0"
	}
	return s
}

// FormatBasisPoints writes basis points as a percentage without a sign and
// without needless zeros: 4735 → "47.35", 5800 → "58", 4750 → "47.5".
func FormatBasisPoints(bp int) string {
	s := strconv.Itoa(bp / 100)
	if f := bp % 100; f != 0 {
		s += "." + strings.TrimRight(leftPad(strconv.Itoa(f), 2), "0")
	}
	return s
}
