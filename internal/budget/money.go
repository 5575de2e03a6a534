package budget

import (
	"strconv"
	"strings"

	"ctg/internal/app"
)

// FormatCents writes an amount as French texts show it: "1 234,56 €", with
// a no-break space (U+00A0) between thousands and before the sign, as the
// pages' "euros" function does for whole euros.
func FormatCents(cents int64) string {
	neg := cents < 0
	u := uint64(cents)
	if neg {
		u = -u // two's complement: right even for math.MinInt64
	}
	s := thousandsOf(strconv.FormatUint(u/100, 10)) + "," + strconv.FormatUint(u%100+100, 10)[1:] + "\u00a0€"
	if neg {
		return "-" + s
	}
	return s
}

// thousands writes n with a no-break space between thousands: 1 000.
func thousands[T int | int64](n T) string {
	if n < 0 {
		return "-" + thousandsOf(strconv.FormatInt(-int64(n), 10))
	}
	return thousandsOf(strconv.FormatInt(int64(n), 10))
}

func thousandsOf(digits string) string {
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// maxDigits bounds the whole euros of an amount read from text: 16 digits
// keep the cents within int64 and are far above MaxCents, which Validate
// reports in words.
const maxDigits = 16

// ParseCents reads an amount in euros as people type or paste it from a
// spreadsheet, exactly, into cents: "1 234,56 €", "1234.5", "12 000",
// "1.234.567,89", "1,234.50", "-12", with spaces, no-break spaces (U+00A0),
// narrow no-break spaces (U+202F) or thin spaces between thousands, and an
// optional "€" or "EUR". When both "." and "," appear, the last one is the
// decimal mark; a lone "," is a decimal comma, several "." are thousands.
// At most two decimals (cents) unless the others are zeros: "1,234" is an
// error rather than a guess between 1,23 € and 1 234 €. Errors are EInvalid
// with a French message quoting the text.
func ParseCents(s string) (int64, error) {
	whole, frac, neg, err := splitAmount(s)
	if err != nil {
		return 0, err
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 2 {
		return 0, app.Errorf(app.EInvalid, "« %s » a plus de deux décimales : un montant s'écrit en euros et centimes, par exemple 1 234,56.", strings.TrimSpace(s))
	}
	return cents(whole, frac, neg, s)
}

// parseStoredCents reads an amount as a spreadsheet stores a number: like
// ParseCents, but a binary float's last digits are forgiven, so that
// 1234.5599999999999 (what a spreadsheet may keep for 1 234,56) reads as
// 123456 cents. Only noise is forgiven: the digits past the cents must be
// at least six zeros or six nines; "1234.567" stays an error.
func parseStoredCents(s string) (int64, error) {
	whole, frac, neg, err := splitAmount(s)
	if err != nil {
		return 0, err
	}
	if len(frac) <= 2 || strings.Trim(frac[2:], "0") == "" {
		return ParseCents(s)
	}
	rest := frac[2:]
	switch {
	case strings.HasPrefix(rest, "000000"):
		return cents(whole, frac[:2], neg, s)
	case strings.HasPrefix(rest, "999999"):
		c, err := cents(whole, frac[:2], false, s)
		if err != nil {
			return 0, err
		}
		if c++; neg {
			c = -c
		}
		return c, nil
	}
	return ParseCents(s)
}

// splitAmount checks the characters of an amount and returns its whole
// euros and its decimals as digit strings.
func splitAmount(s string) (whole, frac string, neg bool, err error) {
	text := strings.TrimSpace(s)
	notAmount := app.Errorf(app.EInvalid, "« %s » n'est pas un montant en euros (par exemple 1 234,56).", text)
	if text == "" {
		return "", "", false, app.Errorf(app.EInvalid, "Le montant est vide.")
	}
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(text, "€"), "EUR"))
	t = strings.TrimSpace(strings.TrimSuffix(t, "eur"))
	t = strings.TrimPrefix(t, "€")
	var b strings.Builder
	for i, c := range t {
		switch {
		case c == ' ' || c == '\u00a0' || c == '\u202f' || c == '\u2009' || c == '\'':
			continue
		case (c == '-' || c == '−') && i == 0:
			neg = true
			continue
		case c == '+' && i == 0:
			continue
		case c >= '0' && c <= '9', c == '.', c == ',':
			b.WriteRune(c)
		default:
			return "", "", false, notAmount
		}
	}
	t = b.String()
	dot, comma := strings.LastIndexByte(t, '.'), strings.LastIndexByte(t, ',')
	switch {
	case dot >= 0 && comma >= 0 && comma > dot: // 1.234,5
		whole, frac = strings.ReplaceAll(t[:comma], ".", ""), t[comma+1:]
	case dot >= 0 && comma >= 0: // 1,234.5
		whole, frac = strings.ReplaceAll(t[:dot], ",", ""), t[dot+1:]
	case comma >= 0:
		if strings.Count(t, ",") > 1 {
			return "", "", false, notAmount
		}
		whole, frac = t[:comma], t[comma+1:]
	case strings.Count(t, ".") > 1: // 1.234.567
		whole = strings.ReplaceAll(t, ".", "")
	case dot >= 0:
		whole, frac = t[:dot], t[dot+1:]
	default:
		whole = t
	}
	if strings.ContainsAny(whole+frac, ".,") || whole+frac == "" {
		return "", "", false, notAmount
	}
	return whole, frac, neg, nil
}

// cents turns whole euros and at most two decimals into cents.
func cents(whole, frac string, neg bool, s string) (int64, error) {
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > maxDigits {
		return 0, app.Errorf(app.EInvalid, "« %s » est un montant bien trop grand.", strings.TrimSpace(s))
	}
	var c int64
	for _, d := range whole + (frac + "00")[:2] {
		c = c*10 + int64(d-'0')
	}
	if neg {
		c = -c
	}
	return c, nil
}
