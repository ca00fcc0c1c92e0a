#include <gtest/gtest.h>

#include "testkit/testkit.h"

namespace lrsd::testkit {

TEST(Smoke, AboutOverHttpAndHttps) {
  ServerOptions options;
  options.https = true;
  auto server = Server::Start(options);
  for (const auto& base : {server->http_url(), server->https_url()}) {
    Client client(base, server->key(), server->secret());
    auto r = client.Get("/xapi/about");
    EXPECT_EQ(r.status, 200) << base;
    auto json = r.Json();
    ASSERT_TRUE(json.IsObject());
    EXPECT_TRUE(json["version"].IsArray());
  }
}

}  // namespace lrsd::testkit
