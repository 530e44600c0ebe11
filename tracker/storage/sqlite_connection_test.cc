#include "tracker/storage/sqlite_connection.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace aquatic::storage {
namespace {

class SqliteConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(::testing::TempDir(), "/sqlite_connection_test.sqlite3");
    std::remove(path_.c_str());
    absl::StatusOr<std::unique_ptr<SqliteConnection>> opened = SqliteConnection::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    connection_ = *std::move(opened);
  }

  std::vector<SqlRow> Rows(const std::string& sql, std::vector<SqlParam> params) {
    absl::StatusOr<std::vector<SqlRow>> rows = connection_->Query(sql, params);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status();
    return rows.ok() ? *std::move(rows) : std::vector<SqlRow>{};
  }

  std::string path_;
  std::unique_ptr<SqliteConnection> connection_;
};

// PostgreSQL's $N placeholders bind the same values in SQLite whichever way
// they are spelled there (bare ? for $1, $2, ... in order, ?N otherwise).
TEST_F(SqliteConnectionTest, DollarParametersBindByNumberInAnyOrder) {
  EXPECT_EQ(Rows("SELECT $1, $2, $3", {SqlParam{"a"}, SqlParam{int64_t{2}}, SqlParam{"c"}}),
            (std::vector<SqlRow>{{"a", "2", "c"}}));
  EXPECT_EQ(Rows("SELECT $2, $1", {SqlParam{"a"}, SqlParam{"b"}}),
            (std::vector<SqlRow>{{"b", "a"}}));
  EXPECT_EQ(Rows("SELECT $1, $1 || $2", {SqlParam{"a"}, SqlParam{"b"}}),
            (std::vector<SqlRow>{{"a", "ab"}}));
  EXPECT_EQ(Rows("SELECT '$', $1", {SqlParam{"x"}}), (std::vector<SqlRow>{{"$", "x"}}));
}

TEST_F(SqliteConnectionTest, ABatchOfThousandsOfParametersBinds) {
  ASSERT_TRUE(connection_->Query("CREATE TABLE t (a INTEGER, b TEXT)", {}).ok());
  std::string sql = "INSERT INTO t (a, b) VALUES ";
  std::vector<SqlParam> params;
  for (int row = 0; row < 1000; ++row) {
    absl::StrAppend(&sql, row == 0 ? "" : ",", "($", 2 * row + 1, ",$", 2 * row + 2, ")");
    params.emplace_back(int64_t{row});
    params.emplace_back(absl::StrCat("row", row));
  }
  Rows(sql, params);
  EXPECT_EQ(Rows("SELECT count(*), sum(a), max(b) FROM t", {}),
            (std::vector<SqlRow>{{"1000", "499500", "row999"}}));
}

}  // namespace
}  // namespace aquatic::storage
