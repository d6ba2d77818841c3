package markdown

import (
	"fmt"
	"strings"

	"jigsaw"
)

// Limits on what a text may ask the renderer to build. Rendering is linear
// in its input except where Markdown multiplies it: a table pads every row
// to its header's columns (a header of 300 columns over 9,000 one-cell rows
// is 2.7 million cells from 20 KB), and nesting deepens the tree. A text
// over a limit is refused when it is written (Check), and rendered as plain
// text if one is met anyway (texts stored before the limits).
const (
	MaxTableColumns = 30
	MaxTableCells   = 4000 // in all the text's tables together
	MaxNesting      = 16   // block quotes and lists inside each other
	// The rendered HTML may be at most maxOutputBase plus maxOutputPerByte
	// bytes for each byte of the text.
	maxOutputBase    = 64 << 10
	maxOutputPerByte = 40
)

// MaxOutput is the most HTML a text of n bytes may render to.
func MaxOutput(n int) int { return maxOutputBase + maxOutputPerByte*n }

// Check reports a text that would make the renderer build too much: an
// EINVALID error for field naming the limit it is over, nil otherwise. It
// reads the text once, in linear time.
func Check(field, src string) error {
	cells, depth := 0, 0
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines); i++ {
		if d := nesting(lines[i]); d > depth {
			depth = d
		}
		if i+1 >= len(lines) || !strings.Contains(lines[i], "|") || !isDelimiterRow(lines[i+1]) {
			continue
		}
		cols := strings.Count(strings.Trim(strings.TrimSpace(lines[i+1]), "|"), "|") + 1
		if cols > MaxTableColumns {
			return limitError(field, fmt.Sprintf("A table may have at most %d columns; this one has %d.", MaxTableColumns, cols))
		}
		rows := 1
		for i += 2; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
			rows++
		}
		if cells += rows * cols; cells > MaxTableCells {
			return limitError(field, fmt.Sprintf("Tables may have at most %d cells in all; split the table, or leave it out.", MaxTableCells))
		}
	}
	if depth > MaxNesting {
		return limitError(field, fmt.Sprintf("Quotes and lists may be nested at most %d deep.", MaxNesting))
	}
	return nil
}

func limitError(field, msg string) error {
	return &jigsaw.Error{Code: jigsaw.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}

// isDelimiterRow reports whether line is a table's delimiter row, such as
// "| --- | :-: |".
func isDelimiterRow(line string) bool {
	line = strings.TrimSpace(line)
	if !strings.Contains(line, "-") {
		return false
	}
	for _, c := range line {
		switch c {
		case '|', '-', ':', ' ', '\t':
		default:
			return false
		}
	}
	return true
}

// nesting is how deep a line opens quotes and lists: each ">" and each
// list marker at its start and, on a line that opens one, each indentation
// of two spaces before it (how lists nest inside each other).
func nesting(line string) int {
	depth, spaces := 0, 0
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ':
			spaces++
		case c == '\t':
			spaces += 4
		case c == '>':
			depth++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && line[i+1] == ' ':
			depth++
			i++
		default:
			i = len(line)
		}
	}
	if depth == 0 {
		return 0
	}
	return depth + spaces/2
}
