// The dashboard's static files (src/ui): routing under /ui/, content types, caching headers and
// the Content-Security-Policy. The pages themselves are tested in a browser (tests/browser/).
#include <gtest/gtest.h>

#include "ui/ui.h"

namespace lrsd::ui {
namespace {

http::Request Get(std::string target, http::Method method = http::Method::kGet) {
  http::Request r;
  r.method = method;
  r.method_name = std::string(http::MethodName(method));
  r.target = std::move(target);
  return r;
}

TEST(Ui, Paths) {
  EXPECT_TRUE(IsUiPath("/ui"));
  EXPECT_TRUE(IsUiPath("/ui/"));
  EXPECT_TRUE(IsUiPath("/ui/js/app.js"));
  EXPECT_FALSE(IsUiPath("/uix"));
  EXPECT_FALSE(IsUiPath("/xapi/ui/"));
}

TEST(Ui, ContentTypes) {
  EXPECT_EQ(ContentTypeOf("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("js/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeOf("shot.png"), "image/png");
  EXPECT_EQ(ContentTypeOf("README"), "application/octet-stream");
}

TEST(Ui, RedirectsToTheDirectory) {
  auto r = Handle(Get("/ui"));
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.headers.Get("Location").value_or(""), "/ui/");
}

TEST(Ui, OnlyGetAndHead) {
  auto r = Handle(Get("/ui/", http::Method::kPost));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("Allow").value_or(""), "GET, HEAD");
}

TEST(Ui, UnknownFilesAre404) {
  auto r = Handle(Get("/ui/no-such-file.js"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Handle(Get("/ui/../admin/people")).status, 404);
}

TEST(Ui, ServesIndexWithHeadersAndRevalidates) {
  if (kEmbeddedFileCount == 0) GTEST_SKIP() << "built with -DLRSD_UI=OFF";
  auto r = Handle(Get("/ui/?x=1"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_EQ(r.headers.Get("Cache-Control").value_or(""), "no-cache");
  EXPECT_NE(r.headers.Get("Content-Security-Policy").value_or("").find("default-src 'self'"), std::string::npos);
  EXPECT_NE(r.body.find("<main id=\"main\""), std::string::npos);
  std::string etag(r.headers.Get("ETag").value_or(""));
  ASSERT_EQ(etag.size(), 42u);  // quoted SHA-1

  auto same = Get("/ui/index.html");
  same.headers.Set("If-None-Match", "\"other\", W/" + etag);
  auto not_modified = Handle(same);
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(not_modified.headers.Get("ETag").value_or(""), etag);

  auto head = Handle(Get("/ui/", http::Method::kHead));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.head_only);
}

TEST(Ui, EmbedsChartJsAndEveryFileHasAnEtag) {
  if (kEmbeddedFileCount == 0) GTEST_SKIP() << "built with -DLRSD_UI=OFF";
  auto chart = Handle(Get("/ui/vendor/chart.umd.min.js"));
  ASSERT_EQ(chart.status, 200);
  EXPECT_EQ(chart.headers.Get("Content-Type").value_or(""), "text/javascript; charset=utf-8");
  EXPECT_NE(chart.body.find("Chart.js v4"), std::string::npos);
  for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
    EXPECT_EQ(kEmbeddedFiles[i].etag.size(), 42u) << kEmbeddedFiles[i].path;
    EXPECT_FALSE(kEmbeddedFiles[i].path.starts_with("/")) << kEmbeddedFiles[i].path;
  }
}

}  // namespace
}  // namespace lrsd::ui
