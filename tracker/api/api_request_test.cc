#include "tracker/api/api_request.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace aquatic::api {
namespace {

using http::Method;

constexpr char kHash[] = "0123456789abcdef0123456789ABCDEF01234567";

TEST(RouteRequestTest, TorrustPathsRoute) {
  EXPECT_EQ(RouteRequest(Method::kGet, "/health").request.endpoint, Endpoint::kHealth);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/health_check").request.endpoint, Endpoint::kHealth);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/stats?token=x").request.endpoint,
            Endpoint::kStats);
  EXPECT_EQ(RouteRequest(Method::kGet, "/stats").request.endpoint, Endpoint::kStatisticsPage);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/whitelist/reload").request.endpoint,
            Endpoint::kWhitelistReload);

  const Route torrent = RouteRequest(Method::kGet, std::string("/api/v1/torrent/") + kHash);
  ASSERT_EQ(torrent.error_status, 0) << torrent.error;
  EXPECT_EQ(torrent.request.endpoint, Endpoint::kTorrent);
  EXPECT_EQ(torrent.request.info_hash[0], 0x01);
  EXPECT_EQ(torrent.request.info_hash[19], 0x67);

  EXPECT_EQ(RouteRequest(Method::kPost, std::string("/api/v1/whitelist/") + kHash)
                .request.endpoint,
            Endpoint::kWhitelistAdd);
  EXPECT_EQ(RouteRequest(Method::kDelete, std::string("/api/v1/whitelist/") + kHash)
                .request.endpoint,
            Endpoint::kWhitelistRemove);
}

TEST(RouteRequestTest, TorrentsPagesAndTheirLimits) {
  Route route = RouteRequest(Method::kGet, "/api/v1/torrents");
  EXPECT_EQ(route.request.offset, 0u);
  EXPECT_EQ(route.request.limit, kMaxPageSize);
  route = RouteRequest(Method::kGet, "/api/v1/torrents?offset=10&limit=5&other=1");
  ASSERT_EQ(route.error_status, 0);
  EXPECT_EQ(route.request.offset, 10u);
  EXPECT_EQ(route.request.limit, 5u);
  route = RouteRequest(Method::kGet, "/api/v1/torrents?limit=4001");
  EXPECT_EQ(route.error_status, 400);
  EXPECT_EQ(route.error.rfind("limit:", 0), 0u) << route.error;
  route = RouteRequest(Method::kGet, "/api/v1/torrents?offset=-1");
  EXPECT_EQ(route.error_status, 400);
  EXPECT_EQ(route.error.rfind("offset:", 0), 0u) << route.error;
  route = RouteRequest(Method::kGet, "/api/v1/torrents?offset=99999999999999999999999");
  EXPECT_EQ(route.error_status, 400);
  route = RouteRequest(Method::kGet, "/api/v1/torrents?offset=1000001");
  EXPECT_EQ(route.error_status, 400);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/torrents?offset=1000000").error_status, 0);
}

TEST(RouteRequestTest, BadInputNamesTheField) {
  for (const char* target :
       {"/api/v1/torrent/abc", "/api/v1/torrent/", "/api/v1/torrent/zz23456789abcdef0123456789abcdef01234567",
        "/api/v1/torrent/0123456789abcdef0123456789abcdef012345678"}) {
    const Route route = RouteRequest(Method::kGet, target);
    EXPECT_EQ(route.error_status, 400) << target;
    EXPECT_EQ(route.error.rfind("info_hash:", 0), 0u) << route.error;
  }
  const Route token = RouteRequest(Method::kGet, "/api/v1/stats?token=%zz");
  EXPECT_EQ(token.error_status, 400);
  EXPECT_EQ(token.error.rfind("token:", 0), 0u) << token.error;
}

TEST(RouteRequestTest, KeyRoutes) {
  constexpr absl::string_view kKey = "YZSl4lMZupRuOpSRC3krIKR5BPB14nrJ";
  Route made = RouteRequest(Method::kPost, "/api/v1/key/3600");
  ASSERT_EQ(made.error_status, 0) << made.error;
  EXPECT_EQ(made.request.endpoint, Endpoint::kKeyAdd);
  EXPECT_EQ(made.request.seconds_valid, 3600u);
  EXPECT_FALSE(made.request.key.has_value());
  Route imported = RouteRequest(Method::kPost, absl::StrCat("/api/v1/key/0?key=", kKey));
  ASSERT_EQ(imported.error_status, 0) << imported.error;
  ASSERT_TRUE(imported.request.key.has_value());
  EXPECT_EQ(imported.request.key->view(), kKey);
  Route revoked = RouteRequest(Method::kDelete, absl::StrCat("/api/v1/key/", kKey));
  ASSERT_EQ(revoked.error_status, 0) << revoked.error;
  EXPECT_EQ(revoked.request.endpoint, Endpoint::kKeyRevoke);
  EXPECT_EQ(revoked.request.key->view(), kKey);
  Route stats = RouteRequest(Method::kGet, absl::StrCat("/api/v1/key/", kKey, "/stats"));
  ASSERT_EQ(stats.error_status, 0) << stats.error;
  EXPECT_EQ(stats.request.endpoint, Endpoint::kKeyStats);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/keys").request.endpoint, Endpoint::kKeys);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/keys/reload").request.endpoint,
            Endpoint::kKeysReload);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/client-filter").request.endpoint,
            Endpoint::kClientFilter);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/client-filter/reload").request.endpoint,
            Endpoint::kClientFilterReload);

  // Bad values name the field.
  for (const std::string& target :
       {std::string("/api/v1/key/soon"), std::string("/api/v1/key/-1"),
        std::string("/api/v1/key/99999999999999"), absl::StrCat("/api/v1/key/1?key=short")}) {
    Route bad = RouteRequest(Method::kPost, target);
    EXPECT_EQ(bad.error_status, 400) << target;
    EXPECT_TRUE(bad.error.rfind("seconds_valid:", 0) == 0 || bad.error.rfind("key:", 0) == 0)
        << bad.error;
  }
  EXPECT_EQ(RouteRequest(Method::kDelete, "/api/v1/key/not-a-key").error_status, 400);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/key/tooshort/stats").error_status, 400);
}

TEST(RouteRequestTest, UnknownPathsAndWrongMethods) {
  EXPECT_EQ(RouteRequest(Method::kGet, "/").error_status, 404);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/peers").error_status, 404);
  EXPECT_EQ(RouteRequest(Method::kPost, "/api/v1/keys").error_status, 405);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/key/60").error_status, 405);
  EXPECT_EQ(RouteRequest(Method::kPost, "/api/v1/client-filter/reload").error_status, 405);
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/statsx").error_status, 404);
  EXPECT_EQ(RouteRequest(Method::kPost, "/api/v1/stats").error_status, 405);
  EXPECT_EQ(RouteRequest(Method::kGet, std::string("/api/v1/whitelist/") + kHash).error_status,
            405);
  EXPECT_EQ(RouteRequest(Method::kDelete, "/health").error_status, 405);
}

TEST(RouteRequestTest, QueryToken) {
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/stats?token=a%2Bb").request.query_token, "a+b");
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/stats").request.query_token, "");
  EXPECT_EQ(RouteRequest(Method::kGet, "/api/v1/stats?token=" + std::string(300, 'a'))
                .error_status,
            400);
}

TEST(BearerTokenTest, SchemeIsCaseInsensitive) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("bearer  abc "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken("Bearer "), "");
  EXPECT_EQ(BearerToken(""), "");
}

TEST(IsPublicTest, OnlyHealthAndAPublicPage) {
  EXPECT_TRUE(IsPublic(Endpoint::kHealth, false));
  EXPECT_FALSE(IsPublic(Endpoint::kStatisticsPage, false));
  EXPECT_TRUE(IsPublic(Endpoint::kStatisticsPage, true));
  EXPECT_FALSE(IsPublic(Endpoint::kStats, true));
  EXPECT_FALSE(IsPublic(Endpoint::kWhitelistAdd, true));
}

}  // namespace
}  // namespace aquatic::api
