// tests/gpu/device_check.sh's deps_probe: the carried dependencies (build/gpu-deps) compile, link and run on
// their own, before the project is built against them: SQLite (static), libcurl (the machine's or the carried
// one), OpenBLAS's cblas_sgemm (static), nlohmann-json, CLI11, hnswlib (headers) and GoogleTest (static).
// Prints one JSON line with what it saw.
#include <CLI/CLI.hpp>
#include <cblas.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <hnswlib/hnswlib.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <iostream>
#include <string>
#include <vector>

TEST(DepsProbe, Sgemm) {
    const float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
    float c[4] = {0, 0, 0, 0};
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    EXPECT_FLOAT_EQ(c[0], 19);
    EXPECT_FLOAT_EQ(c[3], 50);
}

TEST(DepsProbe, Sqlite) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "create table t(x); insert into t values (1);", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
}

TEST(DepsProbe, Hnsw) {
    hnswlib::InnerProductSpace space(4);
    hnswlib::HierarchicalNSW<float> index(&space, 16);
    std::vector<float> v = {1, 0, 0, 0, 0, 1, 0, 0};
    index.addPoint(v.data(), 0);
    index.addPoint(v.data() + 4, 1);
    auto top = index.searchKnn(v.data(), 1);
    EXPECT_EQ(top.top().second, 0u);
}

int main(int argc, char** argv) {
    CLI::App app{"deps probe"};
    int n = 1;
    app.add_option("--n", n);
    std::vector<std::string> none;
    app.allow_extras();
    CLI11_PARSE(app, argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    const int rc = RUN_ALL_TESTS();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL* h = curl_easy_init();
    const bool curlOk = h != nullptr;
    if (h) curl_easy_cleanup(h);
    nlohmann::json j = {{"sqlite", sqlite3_libversion()},
                        {"curl", curl_version()},
                        {"curl_easy_init", curlOk},
                        {"openblas", "cblas_sgemm ok"},
                        {"gtest", rc == 0 ? "ok" : "failed"}};
    std::cout << j.dump() << std::endl;
    return rc == 0 && curlOk ? 0 : 1;
}
