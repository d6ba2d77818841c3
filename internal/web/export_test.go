package web

// LayoutParts is layoutParts, for the tests of package web_test.
var LayoutParts = layoutParts
