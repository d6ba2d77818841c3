package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"jigsaw"
	"jigsaw/internal/demo"
	"jigsaw/internal/testrig"
)

// authzCase is one route of the authorisation matrix: a concrete request
// and the status each kind of caller must get.
type authzCase struct {
	path string     // with sample IDs filled in; "" means the pattern's own path
	form url.Values // body for POST routes
	json string     // JSON body for POST API routes
	// want is the status for anonymous, editor, moderator, admin.
	want [4]int
	// fresh gives the row its own signed-in users, for routes that end the
	// session they are called with.
	fresh bool
}

// authzMatrix lists every route the server registers. A route added without
// a row here fails TestAuthzMatrix, so nobody can add a route without
// deciding who may use it. {story}, {org}, {token} and {user} in paths are
// replaced by sample IDs.
var authzMatrix = map[string]authzCase{
	"GET /healthz":                              {want: [4]int{200, 200, 200, 200}},
	"GET /readyz":                               {want: [4]int{200, 200, 200, 200}},
	"GET /metrics":                              {want: [4]int{200, 200, 200, 200}},
	"GET /static/":                              {path: "/static/style.css", want: [4]int{200, 200, 200, 200}},
	"GET /robots.txt":                           {want: [4]int{200, 200, 200, 200}},
	"GET /sitemap.xml":                          {want: [4]int{200, 200, 200, 200}},
	"GET /sitemaps/{file}":                      {path: "/sitemaps/stories-0.xml", want: [4]int{200, 200, 200, 200}},
	"GET /favicon.ico":                          {want: [4]int{200, 200, 200, 200}},
	"GET /manifest.webmanifest":                 {want: [4]int{200, 200, 200, 200}},
	"GET /{$}":                                  {path: "/", want: [4]int{200, 200, 200, 200}},
	"GET /stories":                              {want: [4]int{200, 200, 200, 200}},
	"GET /stories/{id}":                         {path: "/stories/{story}", want: [4]int{200, 200, 200, 200}},
	"GET /organisations":                        {want: [4]int{200, 200, 200, 200}},
	"GET /organisations/{id}":                   {path: "/organisations/{org}", want: [4]int{200, 200, 200, 200}},
	"GET /organisations/suggest":                {path: "/organisations/suggest?q=trust", want: [4]int{200, 200, 200, 200}},
	"GET /stories/suggest":                      {path: "/stories/suggest?q=story", want: [4]int{200, 200, 200, 200}},
	"GET /disputes/suggest":                     {path: "/disputes/suggest?q=strike", want: [4]int{200, 200, 200, 200}},
	"GET /stories/new":                          {want: [4]int{200, 200, 200, 200}},
	"POST /stories/new":                         {form: url.Values{"title": {"x"}}, want: [4]int{422, 422, 422, 422}},
	"GET /stories/thanks":                       {want: [4]int{200, 200, 200, 200}},
	"GET /stories/confirm":                      {path: "/stories/confirm?t=forged", want: [4]int{400, 400, 400, 400}},
	"POST /stories/confirm":                     {form: url.Values{"t": {"forged"}}, want: [4]int{400, 400, 400, 400}},
	"GET /stories/withdraw":                     {path: "/stories/withdraw?t=forged", want: [4]int{400, 400, 400, 400}},
	"POST /stories/withdraw":                    {form: url.Values{"t": {"forged"}}, want: [4]int{400, 400, 400, 400}},
	"POST /stories/{id}/replies":                {path: "/stories/{story}/replies", form: url.Values{"body": {"x"}}, want: [4]int{401, 400, 400, 400}},
	"GET /me":                                   {path: "/me?t=forged", want: [4]int{400, 400, 400, 400}},
	"GET /me/data":                              {path: "/me/data?t=forged", want: [4]int{400, 400, 400, 400}},
	"GET /me/data.json":                         {path: "/me/data.json?t=forged", want: [4]int{400, 400, 400, 400}},
	"POST /me/{action}":                         {path: "/me/naming", form: url.Values{"t": {"forged"}, "story": {"1"}}, want: [4]int{400, 400, 400, 400}},
	"GET /moderation":                           {want: [4]int{303, 403, 200, 200}},
	"GET /api/v1/moderation":                    {want: [4]int{401, 403, 200, 200}},
	"GET /moderation/stories/{id}":              {path: "/moderation/stories/{story}", want: [4]int{303, 403, 200, 200}},
	"POST /moderation/stories/{id}/{action}":    {path: "/moderation/stories/{story}/notes", form: url.Values{"note": {""}}, want: [4]int{401, 403, 422, 422}},
	"GET /api/v1/stories":                       {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/stories/{id}":                  {path: "/api/v1/stories/{story}", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/stories":                      {json: `{"title": "x"}`, want: [4]int{400, 400, 400, 400}},
	"POST /api/v1/stories/{id}/{action}":        {path: "/api/v1/stories/{story}/reject", json: `{"reason": ""}`, want: [4]int{401, 403, 400, 400}},
	"GET /password/forgot":                      {want: [4]int{200, 200, 200, 200}},
	"POST /password/forgot":                     {form: url.Values{"email": {"nobody@example.invalid"}}, want: [4]int{200, 200, 200, 200}},
	"GET /password/reset":                       {path: "/password/reset?t=x", want: [4]int{200, 200, 200, 200}},
	"POST /password/reset":                      {form: url.Values{"t": {"x"}, "password": {"a long enough password"}, "password_again": {"a long enough password"}}, want: [4]int{422, 422, 422, 422}},
	"GET /account/2fa":                          {want: [4]int{303, 200, 200, 200}},
	"POST /account/2fa":                         {form: url.Values{"code": {"000000"}}, want: [4]int{401, 422, 422, 422}},
	"GET /tracker":                              {want: [4]int{200, 200, 200, 200}},
	"GET /tracker/{id}":                         {path: "/tracker/{tracker}", want: [4]int{200, 200, 200, 200}},
	"GET /disputes":                             {want: [4]int{200, 200, 200, 200}},
	"GET /disputes/{id}":                        {path: "/disputes/{dispute}", want: [4]int{200, 200, 200, 200}},
	"GET /events":                               {path: "/events?view=month", want: [4]int{200, 200, 200, 200}},
	"GET /events/{id}":                          {path: "/events/1", want: [4]int{200, 200, 200, 200}},
	"GET /events.ics":                           {want: [4]int{200, 200, 200, 200}},
	"GET /events.geojson":                       {want: [4]int{200, 200, 200, 200}},
	"GET /events.atom":                          {want: [4]int{200, 200, 200, 200}},
	"GET /events.rss":                           {want: [4]int{200, 200, 200, 200}},
	"GET /events.csv":                           {want: [4]int{200, 200, 200, 200}},
	"GET /events.json":                          {want: [4]int{200, 200, 200, 200}},
	"GET /events/new":                           {want: [4]int{303, 200, 200, 200}},
	"POST /events/new":                          {form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /events/{id}/edit":                     {path: "/events/1/edit", want: [4]int{303, 200, 200, 200}},
	"POST /events/{id}/edit":                    {path: "/events/1/edit", form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /api/v1/events":                        {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/events/{id}":                   {path: "/api/v1/events/1", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/events":                       {json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/events/{id}":                 {path: "/api/v1/events/1", json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"GET /pledges":                              {want: [4]int{200, 200, 200, 200}},
	"GET /pledges/{id}":                         {path: "/pledges/1", want: [4]int{200, 200, 200, 200}},
	"GET /pledges/{id}/targets.csv":             {path: "/pledges/1/targets.csv", want: [4]int{200, 200, 200, 200}},
	"GET /pledges/{id}/targets.json":            {path: "/pledges/1/targets.json", want: [4]int{200, 200, 200, 200}},
	"GET /pledges.atom":                         {want: [4]int{200, 200, 200, 200}},
	"GET /pledges.rss":                          {want: [4]int{200, 200, 200, 200}},
	"GET /pledges.csv":                          {want: [4]int{200, 200, 200, 200}},
	"GET /pledges.json":                         {want: [4]int{200, 200, 200, 200}},
	"GET /pledges/new":                          {want: [4]int{303, 200, 200, 200}},
	"POST /pledges/new":                         {form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /pledges/{id}/edit":                    {path: "/pledges/1/edit", want: [4]int{303, 200, 200, 200}},
	"POST /pledges/{id}/edit":                   {path: "/pledges/1/edit", form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /pledges/{id}/targets/new":             {path: "/pledges/1/targets/new", want: [4]int{303, 200, 200, 200}},
	"POST /pledges/{id}/targets/new":            {path: "/pledges/1/targets/new", form: url.Values{"state": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /pledges/{id}/targets/{target}/edit":   {path: "/pledges/1/targets/999999/edit", want: [4]int{303, 404, 404, 404}},
	"POST /pledges/{id}/targets/{target}/edit":  {path: "/pledges/1/targets/999999/edit", form: url.Values{"state": {""}}, want: [4]int{401, 404, 404, 404}},
	"GET /areas/{district}":                     {path: "/areas/BD20", want: [4]int{200, 200, 200, 200}},
	"GET /map":                                  {want: [4]int{200, 200, 200, 200}},
	"GET /stories.geojson":                      {want: [4]int{200, 200, 200, 200}},
	"GET /tracker.geojson":                      {want: [4]int{200, 200, 200, 200}},
	"GET /disputes.geojson":                     {want: [4]int{200, 200, 200, 200}},
	"GET /charts":                               {path: "/charts", want: [4]int{200, 200, 200, 200}},
	"GET /plan":                                 {want: [4]int{200, 200, 200, 200}},
	"GET /plan/{id}":                            {path: "/plan/1", want: [4]int{200, 200, 200, 200}},
	"GET /seats":                                {want: [4]int{200, 200, 200, 200}},
	"GET /plan.atom":                            {want: [4]int{200, 200, 200, 200}},
	"GET /plan.rss":                             {want: [4]int{200, 200, 200, 200}},
	"GET /plan.csv":                             {want: [4]int{200, 200, 200, 200}},
	"GET /plan.json":                            {want: [4]int{200, 200, 200, 200}},
	"GET /seats.atom":                           {want: [4]int{200, 200, 200, 200}},
	"GET /seats.rss":                            {want: [4]int{200, 200, 200, 200}},
	"GET /seats.csv":                            {want: [4]int{200, 200, 200, 200}},
	"GET /seats.json":                           {want: [4]int{200, 200, 200, 200}},
	"GET /stories.atom":                         {want: [4]int{200, 200, 200, 200}},
	"GET /stories.rss":                          {want: [4]int{200, 200, 200, 200}},
	"GET /stories.csv":                          {want: [4]int{200, 200, 200, 200}},
	"GET /stories.json":                         {want: [4]int{200, 200, 200, 200}},
	"GET /tracker.atom":                         {want: [4]int{200, 200, 200, 200}},
	"GET /tracker.rss":                          {want: [4]int{200, 200, 200, 200}},
	"GET /tracker.csv":                          {want: [4]int{200, 200, 200, 200}},
	"GET /tracker.json":                         {want: [4]int{200, 200, 200, 200}},
	"GET /disputes.atom":                        {want: [4]int{200, 200, 200, 200}},
	"GET /disputes.rss":                         {want: [4]int{200, 200, 200, 200}},
	"GET /disputes.csv":                         {want: [4]int{200, 200, 200, 200}},
	"GET /disputes.json":                        {want: [4]int{200, 200, 200, 200}},
	"GET /organisations.atom":                   {want: [4]int{200, 200, 200, 200}},
	"GET /organisations.rss":                    {want: [4]int{200, 200, 200, 200}},
	"GET /organisations.csv":                    {want: [4]int{200, 200, 200, 200}},
	"GET /organisations.json":                   {want: [4]int{200, 200, 200, 200}},
	"GET /tracker/new":                          {want: [4]int{303, 200, 200, 200}},
	"POST /tracker/new":                         {form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /tracker/{id}/edit":                    {path: "/tracker/{tracker}/edit", want: [4]int{303, 200, 200, 200}},
	"POST /tracker/{id}/edit":                   {path: "/tracker/{tracker}/edit", form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /disputes/new":                         {want: [4]int{303, 200, 200, 200}},
	"POST /disputes/new":                        {form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /disputes/{id}/edit":                   {path: "/disputes/{dispute}/edit", want: [4]int{303, 200, 200, 200}},
	"POST /disputes/{id}/edit":                  {path: "/disputes/{dispute}/edit", form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /disputes/{id}/steps":                  {path: "/disputes/{dispute}/steps", want: [4]int{303, 200, 200, 200}},
	"POST /disputes/{id}/steps":                 {path: "/disputes/{dispute}/steps", form: url.Values{"kind": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /disputes/{id}/steps/{step}/edit":      {path: "/disputes/{dispute}/steps/999999/edit", want: [4]int{303, 404, 404, 404}},
	"POST /disputes/{id}/steps/{step}/edit":     {path: "/disputes/{dispute}/steps/999999/edit", form: url.Values{"kind": {""}}, want: [4]int{401, 404, 404, 404}},
	"POST /disputes/{id}/steps/{step}/delete":   {path: "/disputes/{dispute}/steps/999999/delete", want: [4]int{401, 404, 404, 404}},
	"GET /organisations/new":                    {want: [4]int{303, 200, 200, 200}},
	"POST /organisations/new":                   {form: url.Values{"name": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /organisations/{id}/edit":              {path: "/organisations/{org}/edit", want: [4]int{303, 200, 200, 200}},
	"POST /organisations/{id}/edit":             {path: "/organisations/{org}/edit", form: url.Values{"name": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /organisations/{id}/merge":             {path: "/organisations/{org}/merge", want: [4]int{303, 200, 200, 200}},
	"POST /organisations/{id}/merge":            {path: "/organisations/{org}/merge", form: url.Values{"duplicate": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /plan/new":                             {want: [4]int{303, 200, 200, 200}},
	"POST /plan/new":                            {form: url.Values{"name": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /plan/{id}/edit":                       {path: "/plan/1/edit", want: [4]int{303, 200, 200, 200}},
	"POST /plan/{id}/edit":                      {path: "/plan/1/edit", form: url.Values{"name": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /seats/new":                            {want: [4]int{303, 200, 200, 200}},
	"POST /seats/new":                           {form: url.Values{"holder": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /seats/{id}/edit":                      {path: "/seats/1/edit", want: [4]int{303, 200, 200, 200}},
	"POST /seats/{id}/edit":                     {path: "/seats/1/edit", form: url.Values{"holder": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /api/v1/tracker":                       {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/tracker/{id}":                  {path: "/api/v1/tracker/{tracker}", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/tracker":                      {json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/tracker/{id}":                {path: "/api/v1/tracker/{tracker}", json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"GET /api/v1/disputes":                      {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/disputes/{id}":                 {path: "/api/v1/disputes/{dispute}", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/disputes":                     {json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/disputes/{id}":               {path: "/api/v1/disputes/{dispute}", json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"POST /api/v1/disputes/{id}/steps":          {path: "/api/v1/disputes/{dispute}/steps", json: `{"kind": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/disputes/{id}/steps/{step}":  {path: "/api/v1/disputes/{dispute}/steps/999999", json: `{"kind": "strike"}`, want: [4]int{401, 404, 404, 404}},
	"DELETE /api/v1/disputes/{id}/steps/{step}": {path: "/api/v1/disputes/{dispute}/steps/999999", want: [4]int{401, 404, 404, 404}},
	"GET /api/v1/pledges":                       {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/pledges/{id}":                  {path: "/api/v1/pledges/1", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/pledges":                      {json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/pledges/{id}":                {path: "/api/v1/pledges/1", json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"GET /api/v1/pledges/{id}/targets":          {path: "/api/v1/pledges/1/targets", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/pledges/{id}/targets":         {path: "/api/v1/pledges/1/targets", json: `{"state": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/pledges/{id}/targets/{tid}":  {path: "/api/v1/pledges/1/targets/999999", json: `{"state": "asked"}`, want: [4]int{401, 404, 404, 404}},
	"GET /api/v1/organisations":                 {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/organisations/{id}":            {path: "/api/v1/organisations/{orgid}", want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/organisations/{id}/timeline":   {path: "/api/v1/organisations/{orgid}/timeline", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/organisations":                {json: `{"name": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/organisations/{id}":          {path: "/api/v1/organisations/{orgid}", json: `{"name": 1}`, want: [4]int{401, 400, 400, 400}},
	"POST /api/v1/organisations/{id}/merge":     {path: "/api/v1/organisations/{orgid}/merge", json: `{"duplicate": "x"}`, want: [4]int{401, 400, 400, 400}},
	"GET /api/v1/plans":                         {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/plans/{id}":                    {path: "/api/v1/plans/1", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/plans":                        {json: `{"name": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/plans/{id}":                  {path: "/api/v1/plans/1", json: `{"name": 1}`, want: [4]int{401, 400, 400, 400}},
	"POST /api/v1/plans/{id}/milestones":        {path: "/api/v1/plans/1/milestones", json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"GET /api/v1/seats":                         {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/seats/{id}":                    {path: "/api/v1/seats/1", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/seats":                        {json: `{"holder": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/seats/{id}":                  {path: "/api/v1/seats/1", json: `{"holder": 1}`, want: [4]int{401, 400, 400, 400}},
	"GET /campaigns":                            {want: [4]int{200, 200, 200, 200}},
	"GET /campaigns/{id}":                       {path: "/campaigns/keep-our-nhs-public", want: [4]int{200, 200, 200, 200}},
	"GET /campaigns.atom":                       {want: [4]int{200, 200, 200, 200}},
	"GET /campaigns.rss":                        {want: [4]int{200, 200, 200, 200}},
	"GET /campaigns.csv":                        {want: [4]int{200, 200, 200, 200}},
	"GET /campaigns.json":                       {want: [4]int{200, 200, 200, 200}},
	"GET /campaigns/new":                        {want: [4]int{303, 200, 200, 200}},
	"POST /campaigns/new":                       {form: url.Values{"name": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /campaigns/{id}/edit":                  {path: "/campaigns/keep-our-nhs-public/edit", want: [4]int{303, 200, 200, 200}},
	"POST /campaigns/{id}/edit":                 {path: "/campaigns/keep-our-nhs-public/edit", form: url.Values{"name": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /topics":                               {want: [4]int{200, 200, 200, 200}},
	"GET /topics/{id}":                          {path: "/topics/1", want: [4]int{200, 200, 200, 200}},
	"GET /topics.atom":                          {want: [4]int{200, 200, 200, 200}},
	"GET /topics.rss":                           {want: [4]int{200, 200, 200, 200}},
	"GET /topics.csv":                           {want: [4]int{200, 200, 200, 200}},
	"GET /topics.json":                          {want: [4]int{200, 200, 200, 200}},
	"GET /topics/new":                           {want: [4]int{303, 200, 200, 200}},
	"POST /topics/new":                          {form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /topics/{id}/edit":                     {path: "/topics/1/edit", want: [4]int{303, 200, 200, 200}},
	"POST /topics/{id}/edit":                    {path: "/topics/1/edit", form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /api/v1/campaigns":                     {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/campaigns/{id}":                {path: "/api/v1/campaigns/keep-our-nhs-public", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/campaigns":                    {json: `{"name": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/campaigns/{id}":              {path: "/api/v1/campaigns/keep-our-nhs-public", json: `{"name": 1}`, want: [4]int{401, 400, 400, 400}},
	"GET /api/v1/topics":                        {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/topics/{id}":                   {path: "/api/v1/topics/1", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/topics":                       {json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/topics/{id}":                 {path: "/api/v1/topics/1", json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"GET /login":                                {want: [4]int{200, 200, 200, 200}},
	"POST /login":                               {form: url.Values{"email": {"nobody@example.invalid"}, "password": {"wrong"}}, want: [4]int{401, 401, 401, 401}},
	"POST /logout":                              {want: [4]int{303, 303, 303, 303}, fresh: true},
	"GET /webhooks":                             {want: [4]int{303, 200, 200, 200}},
	"GET /webhooks/new":                         {want: [4]int{303, 200, 200, 200}},
	"POST /webhooks/new":                        {form: url.Values{"url": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /webhooks/{id}":                        {path: "/webhooks/999999", want: [4]int{303, 404, 404, 404}},
	"GET /webhooks/{id}/edit":                   {path: "/webhooks/999999/edit", want: [4]int{303, 404, 404, 404}},
	"POST /webhooks/{id}/edit":                  {path: "/webhooks/999999/edit", form: url.Values{"url": {""}}, want: [4]int{401, 404, 404, 404}},
	"POST /webhooks/{id}/{action}":              {path: "/webhooks/999999/rotate", form: url.Values{}, want: [4]int{401, 404, 404, 404}},
	"GET /api/v1/webhooks":                      {want: [4]int{401, 200, 200, 200}},
	"POST /api/v1/webhooks":                     {json: `{"url": 1}`, want: [4]int{401, 400, 400, 400}},
	"GET /api/v1/webhooks/{id}":                 {path: "/api/v1/webhooks/999999", want: [4]int{401, 404, 404, 404}},
	"PATCH /api/v1/webhooks/{id}":               {path: "/api/v1/webhooks/999999", json: `{"url": 1}`, want: [4]int{401, 400, 400, 400}},
	"DELETE /api/v1/webhooks/{id}":              {path: "/api/v1/webhooks/999999", want: [4]int{401, 404, 404, 404}},
	"GET /admin/deliveries":                     {want: [4]int{303, 403, 403, 200}},
	"POST /admin/deliveries/{id}/retry":         {path: "/admin/deliveries/999999/retry", form: url.Values{}, want: [4]int{401, 403, 403, 404}},
	"GET /account/tokens":                       {want: [4]int{303, 200, 200, 200}},
	"POST /account/tokens":                      {form: url.Values{"name": {"matrix"}}, want: [4]int{401, 200, 200, 200}},
	"POST /account/tokens/{id}/revoke":          {path: "/account/tokens/999999/revoke", want: [4]int{401, 404, 404, 404}},
	"GET /admin/users":                          {want: [4]int{303, 403, 403, 200}},
	"POST /admin/users":                         {form: url.Values{"email": {"bad"}, "role": {"editor"}}, want: [4]int{401, 403, 403, 422}},
	"POST /admin/users/{id}/role":               {path: "/admin/users/{user}/role", form: url.Values{"role": {"owner"}}, want: [4]int{401, 403, 403, 422}},
	"GET /admin/settings":                       {want: [4]int{303, 403, 403, 200}},
	"POST /admin/settings":                      {form: url.Values{"name": {strings.Repeat("n", 101)}}, want: [4]int{401, 403, 403, 422}},
	"POST /admin/settings/key-issues":           {form: url.Values{"name": {""}}, want: [4]int{401, 403, 403, 422}},
	"GET /admin/audit":                          {want: [4]int{303, 403, 403, 200}},
	"GET /admin/outbox":                         {want: [4]int{303, 403, 403, 200}},
	"GET /admin/outbox/{id}":                    {path: "/admin/outbox/999999", want: [4]int{303, 403, 403, 404}},
	"GET /privacy":                              {want: [4]int{200, 200, 200, 200}},
	"GET /about":                                {want: [4]int{200, 200, 200, 200}},
	"GET /search":                               {path: "/search?q=porters", want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/search":                        {path: "/api/v1/search?q=porters", want: [4]int{200, 200, 200, 200}},
	"GET /tips/new":                             {want: [4]int{200, 200, 200, 200}},
	"POST /tips/new":                            {form: url.Values{"what": {"x"}}, want: [4]int{422, 422, 422, 422}},
	"GET /tips/thanks":                          {want: [4]int{200, 200, 200, 200}},
	"GET /tips/confirm":                         {path: "/tips/confirm?t=forged", want: [4]int{200, 200, 200, 200}},
	"POST /tips/confirm":                        {form: url.Values{"t": {"forged"}}, want: [4]int{400, 400, 400, 400}},
	"GET /tips":                                 {want: [4]int{303, 200, 200, 200}},
	"GET /alerts/new":                           {path: "/alerts/new?list=tracker&district=DT1", want: [4]int{200, 200, 200, 200}},
	"POST /alerts/new":                          {form: url.Values{"list": {"tracker"}}, want: [4]int{422, 422, 422, 422}},
	"GET /alerts/sent":                          {want: [4]int{200, 200, 200, 200}},
	"GET /alerts/confirm/{token}":               {path: "/alerts/confirm/forged", want: [4]int{200, 200, 200, 200}},
	"POST /alerts/confirm/{token}":              {path: "/alerts/confirm/forged", want: [4]int{400, 400, 400, 400}},
	"GET /alerts/manage/{token}":                {path: "/alerts/manage/forged", want: [4]int{400, 400, 400, 400}},
	"GET /alerts/unsubscribe/{token}":           {path: "/alerts/unsubscribe/forged", want: [4]int{200, 200, 200, 200}},
	"POST /alerts/unsubscribe/{token}":          {path: "/alerts/unsubscribe/forged", form: url.Values{"List-Unsubscribe": {"One-Click"}}, want: [4]int{400, 400, 400, 400}},
	"GET /tips/{id}":                            {path: "/tips/999999", want: [4]int{303, 404, 404, 404}},
	"POST /tips/{id}/{action}":                  {path: "/tips/999999/dismiss", want: [4]int{401, 404, 404, 404}},
	"GET /tips/{id}/draft/{kind}":               {path: "/tips/999999/draft/danger", want: [4]int{303, 404, 404, 404}},
	"GET /embed/stories/{id}":                   {path: "/embed/stories/{story}", want: [4]int{200, 200, 200, 200}},
	"GET /embed/tracker/{id}":                   {path: "/embed/tracker/{tracker}", want: [4]int{200, 200, 200, 200}},
	"GET /embed/disputes/{id}":                  {path: "/embed/disputes/{dispute}", want: [4]int{200, 200, 200, 200}},
	"GET /embed/stories":                        {want: [4]int{200, 200, 200, 200}},
	"GET /embed/tracker":                        {want: [4]int{200, 200, 200, 200}},
	"GET /embed/disputes":                       {want: [4]int{200, 200, 200, 200}},
	"GET /oembed":                               {path: "/oembed?url=http%3A%2F%2Fexample.org%2Fstories%2F1", want: [4]int{404, 404, 404, 404}},
	// ActivityPub's documents are public; the test app's host is not known
	// here, so WebFinger is asked about someone else.
	"GET /.well-known/webfinger":                {path: "/.well-known/webfinger?resource=acct:nobody@example.invalid", want: [4]int{404, 404, 404, 404}},
	"GET /.well-known/nodeinfo":                 {want: [4]int{200, 200, 200, 200}},
	"GET /nodeinfo/2.1":                         {want: [4]int{200, 200, 200, 200}},
	"GET /actor":                                {want: [4]int{200, 200, 200, 200}},
	"GET /actor/outbox":                         {path: "/actor/outbox?page=true", want: [4]int{200, 200, 200, 200}},
	"GET /ap/{kind}/{id}":                       {path: "/ap/story/{story}", want: [4]int{200, 200, 200, 200}},
	"GET /api":                                  {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/openapi.json":                  {want: [4]int{200, 200, 200, 200}},
	"GET /admin/imports":                        {want: [4]int{303, 403, 403, 200}},
	"POST /admin/imports":                       {form: url.Values{"kind": {"ocds"}}, want: [4]int{401, 403, 403, 400}},
	"GET /admin/imports/sources":                {want: [4]int{303, 403, 403, 200}},
	"POST /admin/imports/sources":               {form: url.Values{"name": {""}}, want: [4]int{401, 403, 403, 400}},
	"GET /admin/imports/sources/{id}":           {path: "/admin/imports/sources/999999", want: [4]int{303, 403, 403, 404}},
	"POST /admin/imports/sources/{id}/{action}": {path: "/admin/imports/sources/999999/run", form: url.Values{}, want: [4]int{401, 403, 403, 404}},
	// People in public roles (999999: no such person).
	"GET /representatives":                                     {want: [4]int{200, 200, 200, 200}},
	"GET /representatives/{id}":                                {path: "/representatives/999999", want: [4]int{404, 404, 404, 404}},
	"GET /tracker/suggest":                                     {path: "/tracker/suggest?q=contract", want: [4]int{200, 200, 200, 200}},
	"GET /representatives/new":                                 {want: [4]int{303, 200, 200, 200}},
	"POST /representatives/new":                                {form: url.Values{"name": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /representatives/{id}/edit":                           {path: "/representatives/999999/edit", want: [4]int{303, 404, 404, 404}},
	"POST /representatives/{id}/edit":                          {path: "/representatives/999999/edit", form: url.Values{"name": {""}}, want: [4]int{401, 404, 404, 404}},
	"GET /representatives/{id}/interests/new":                  {path: "/representatives/999999/interests/new", want: [4]int{303, 404, 404, 404}},
	"POST /representatives/{id}/interests/new":                 {path: "/representatives/999999/interests/new", form: url.Values{"kind": {""}}, want: [4]int{401, 404, 404, 404}},
	"GET /representatives/{id}/interests/{interest}/edit":      {path: "/representatives/999999/interests/1/edit", want: [4]int{303, 404, 404, 404}},
	"POST /representatives/{id}/interests/{interest}/edit":     {path: "/representatives/999999/interests/1/edit", form: url.Values{"kind": {""}}, want: [4]int{401, 404, 404, 404}},
	"POST /representatives/{id}/interests/{interest}/delete":   {path: "/representatives/999999/interests/1/delete", want: [4]int{401, 404, 404, 404}},
	"GET /api/v1/representatives":                              {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/representatives/{id}":                         {path: "/api/v1/representatives/999999", want: [4]int{404, 404, 404, 404}},
	"POST /api/v1/representatives":                             {json: `{"name": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/representatives/{id}":                       {path: "/api/v1/representatives/999999", json: `{"name": 1}`, want: [4]int{401, 400, 400, 400}},
	"POST /api/v1/representatives/{id}/interests":              {path: "/api/v1/representatives/999999/interests", json: `{"kind": "gift", "description": "x"}`, want: [4]int{401, 404, 404, 404}},
	"PATCH /api/v1/representatives/{id}/interests/{interest}":  {path: "/api/v1/representatives/999999/interests/1", json: `{"kind": "gift", "description": "x"}`, want: [4]int{401, 404, 404, 404}},
	"DELETE /api/v1/representatives/{id}/interests/{interest}": {path: "/api/v1/representatives/999999/interests/1", want: [4]int{401, 404, 404, 404}},
	"GET /representatives.atom":                                {want: [4]int{200, 200, 200, 200}},
	"GET /representatives.rss":                                 {want: [4]int{200, 200, 200, 200}},
	"GET /representatives.csv":                                 {want: [4]int{200, 200, 200, 200}},
	"GET /representatives.json":                                {want: [4]int{200, 200, 200, 200}},
	// The library; the demo's first resource is its TUPE guidance, whose
	// second version is a PDF.
	"GET /resources":      {want: [4]int{200, 200, 200, 200}},
	"GET /resources/{id}": {path: "/resources/1", want: [4]int{200, 200, 200, 200}},
	"GET /resources/{id}/files/{version}/{filename}": {path: "/resources/1/files/2/tupe-guidance.pdf", want: [4]int{200, 200, 200, 200}},
	"GET /resources.atom":                            {want: [4]int{200, 200, 200, 200}},
	"GET /resources.rss":                             {want: [4]int{200, 200, 200, 200}},
	"GET /resources.csv":                             {want: [4]int{200, 200, 200, 200}},
	"GET /resources.json":                            {want: [4]int{200, 200, 200, 200}},
	"GET /resources/new":                             {want: [4]int{303, 200, 200, 200}},
	"POST /resources/new":                            {form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /resources/{id}/edit":                       {path: "/resources/1/edit", want: [4]int{303, 200, 200, 200}},
	"POST /resources/{id}/edit":                      {path: "/resources/1/edit", form: url.Values{"title": {""}}, want: [4]int{401, 422, 422, 422}},
	"GET /resources/{id}/versions":                   {path: "/resources/1/versions", want: [4]int{303, 200, 200, 200}},
	"POST /resources/{id}/versions":                  {path: "/resources/1/versions", form: url.Values{"note": {"not multipart"}}, want: [4]int{401, 400, 400, 400}},
	"GET /api/v1/resources":                          {want: [4]int{200, 200, 200, 200}},
	"GET /api/v1/resources/{id}":                     {path: "/api/v1/resources/1", want: [4]int{200, 200, 200, 200}},
	"POST /api/v1/resources":                         {json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"PATCH /api/v1/resources/{id}":                   {path: "/api/v1/resources/1", json: `{"title": 1}`, want: [4]int{401, 400, 400, 400}},
	"POST /api/v1/resources/{id}/versions":           {path: "/api/v1/resources/1/versions", json: `{"note": 1}`, want: [4]int{401, 400, 400, 400}},

	// Stories by email: an emailed story's files, for moderators alone.
	"GET /moderation/stories/{id}/attachments/{aid}": {path: "/moderation/stories/{story}/attachments/999999", want: [4]int{303, 403, 404, 404}},
	// Federation's social side: the view from the coalition is public,
	// the federation page is the admins'; the inboxes take activities
	// only (application/json is refused, signed or not).
	"GET /coalition":                  {want: [4]int{200, 200, 200, 200}},
	"GET /admin/federation":           {want: [4]int{303, 403, 403, 200}},
	"POST /admin/federation/{action}": {path: "/admin/federation/nothing", form: url.Values{"x": {"1"}}, want: [4]int{401, 403, 403, 404}},
	"POST /actor/inbox":               {json: `{}`, want: [4]int{415, 415, 415, 415}},
	"POST /inbox":                     {json: `{}`, want: [4]int{415, 415, 415, 415}},
	"GET /actor/followers":            {want: [4]int{200, 200, 200, 200}},
	"GET /actor/following":            {want: [4]int{200, 200, 200, 200}},
}

func TestAuthzMatrix(t *testing.T) {
	for _, engine := range testrig.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			a := testrig.StartApp(t, engine, nil)
			ctx := t.Context()
			if _, err := demo.Load(ctx, a.DB); err != nil {
				t.Fatal(err)
			}
			stories, _, _ := a.DB.FindPublicStories(ctx, jigsaw.StoryFilter{Limit: 1})
			orgs, _, _ := a.DB.FindOrganisations(ctx, jigsaw.OrganisationFilter{Limit: 1})
			signIn := func() [4]*http.Client {
				clients := [4]*http.Client{a.Client}
				for i, role := range []jigsaw.Role{jigsaw.RoleEditor, jigsaw.RoleModerator, jigsaw.RoleAdmin} {
					clients[i+1], _ = a.AsUser(t, role)
				}
				return clients
			}
			shared := signIn()
			_, victim := a.AsUser(t, jigsaw.RoleEditor)
			items, _, _ := a.DB.FindPublicTrackerItems(ctx, jigsaw.TrackerFilter{Limit: 1})
			disputes, _, _ := a.DB.FindDisputes(ctx, jigsaw.DisputeFilter{Limit: 1})
			fill := strings.NewReplacer("{story}", strconv.FormatInt(stories[0].ID, 10), "{org}", orgs[0].Slug,
				"{orgid}", strconv.FormatInt(orgs[0].ID, 10), "{user}", strconv.FormatInt(victim.ID, 10),
				"{tracker}", strconv.FormatInt(items[0].ID, 10), "{dispute}", strconv.FormatInt(disputes[0].ID, 10))

			seen := map[string]bool{}
			for _, route := range a.Server.Routes() {
				seen[route.Pattern] = true
				tc, ok := authzMatrix[route.Pattern]
				if !ok {
					t.Errorf("route %q (%s) has no row in authzMatrix: decide who may use it", route.Pattern, route.Access)
					continue
				}
				method, pattern, _ := strings.Cut(route.Pattern, " ")
				path := tc.path
				if path == "" {
					path = pattern
				}
				path = fill.Replace(path)
				clients := shared
				if tc.fresh {
					clients = signIn()
				}
				for i, who := range []string{"anonymous", "editor", "moderator", "admin"} {
					var body *strings.Reader
					switch {
					case tc.form != nil:
						body = strings.NewReader(tc.form.Encode())
					default:
						body = strings.NewReader(tc.json)
					}
					req, _ := http.NewRequestWithContext(ctx, method, a.URL+path, body)
					if method == "POST" && tc.json != "" {
						req.Header.Set("Content-Type", "application/json")
					} else if method == "POST" {
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					}
					resp, err := clients[i].Do(req)
					if err != nil {
						t.Fatalf("%s %s as %s: %v", method, path, who, err)
					}
					resp.Body.Close()
					if resp.StatusCode != tc.want[i] {
						t.Errorf("%s %s as %s: got %d, want %d", method, path, who, resp.StatusCode, tc.want[i])
					}
				}
			}
			for p := range authzMatrix {
				if !seen[p] {
					t.Errorf("authzMatrix row %q matches no registered route", p)
				}
			}
		})
	}
}
