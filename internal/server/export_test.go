package server

import "net/http"

// HandleForTest registers a route the way registerRoutes does, so tests can
// exercise the middleware with handlers that panic, stall or read bodies.
func (s *Server) HandleForTest(pattern string, access Access, h http.HandlerFunc) {
	s.handle(pattern, access, h)
}
