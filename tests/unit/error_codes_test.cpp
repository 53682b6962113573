// The one error-code vocabulary: every code thrown or returned in core/, app/ and ui/ is in
// core/util/error_codes.cpp and documented in docs/guide.md, in one spelling (snake_case); the
// CLI prints the code after the message and exits with the code's status.

#include "core/util/error_codes.h"

#include "support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using namespace synthembed;
namespace fs = std::filesystem;

namespace {

fs::path sourceRoot() { return fs::path(test::testsSourceDir()).parent_path(); }

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

TEST(ErrorCodes, TableIsWellFormed) {
    std::set<std::string> seen;
    const std::regex snake("[a-z]+(_[a-z]+)*");
    for (const auto& c : errors::all()) {
        const std::string code(c.code);
        EXPECT_TRUE(seen.insert(code).second) << "listed twice: " << code;
        EXPECT_TRUE(std::regex_match(code, snake)) << "not snake_case: " << code;
        EXPECT_FALSE(c.meaning.empty()) << code;
        EXPECT_FALSE(c.remedy.empty()) << code;
        EXPECT_GT(c.exitStatus, 0) << code;
    }
    EXPECT_EQ(errors::find("not_found")->exitStatus, 3);
    EXPECT_EQ(errors::find("no such code"), nullptr);
    EXPECT_EQ(errors::exitStatus("no such code"), 1);
}

TEST(ErrorCodes, EveryCodeInTheSourcesIsInTheVocabularyAndTheGuide) {
    const auto root = sourceRoot();
    if (!fs::exists(root / "core" / "util" / "error_codes.cpp")) GTEST_SKIP() << "sources not found under " << root;
    // Failure("code", ...), Error{"code", ...}, and Failure(cond ? "a" : "b", ...).
    const std::regex direct(R"re(\b(?:Failure|Error)\s*[\(\{]\s*"([^"]*)")re");
    const std::regex ternary(R"re(\bFailure\s*\([^;"]*\?\s*"([^"]*)"\s*:\s*"([^"]*)")re");
    // guarded(fn, "code"): the code for anything else fn throws, on the lambda's closing line.
    const std::regex guardedCode(R"re(^\s*\}\s*,\s*"([a-z_.]+)"\);)re");
    const std::regex guardedOneLine(R"re(\bguarded\(.*,\s*"([a-z_.]+)"\);\s*$)re");
    std::map<std::string, std::string> where; // code -> first file:line
    for (const char* dir : {"core", "app", "ui"})
        for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
            const auto ext = e.path().extension();
            if (ext != ".cpp" && ext != ".h") continue;
            std::ifstream in(e.path());
            std::string line;
            int n = 0;
            while (std::getline(in, line)) {
                ++n;
                auto note = [&](const std::string& code) {
                    where.emplace(code, fs::relative(e.path(), root).string() + ":" + std::to_string(n));
                };
                for (std::sregex_iterator it(line.begin(), line.end(), direct), end; it != end; ++it)
                    note((*it)[1]);
                if (std::smatch m; std::regex_search(line, m, guardedCode) || std::regex_search(line, m, guardedOneLine))
                    note(m[1]);
                for (std::sregex_iterator it(line.begin(), line.end(), ternary), end; it != end; ++it) {
                    note((*it)[1]);
                    note((*it)[2]);
                }
            }
        }
    ASSERT_GT(where.size(), 20u) << "the scan found almost no codes: the pattern no longer matches the sources";
    const std::string guide = slurp(root / "docs" / "guide.md");
    for (const auto& [code, at] : where) {
        EXPECT_NE(errors::find(code), nullptr) << at << ": code \"" << code
                                               << "\" is not in core/util/error_codes.cpp (use one listed there, or add it)";
    }
    for (const auto& c : errors::all())
        EXPECT_NE(guide.find("`" + std::string(c.code) + "`"), std::string::npos)
            << "docs/guide.md does not list `" << c.code << "`";
}

TEST(ErrorCodes, CliPrintsTheCodeAndExitsWithItsStatus) {
    test::TempDir dir;
    const auto db = (dir / "p.synthembed").string();
    ASSERT_EQ(test::runCli({"init", "--db", db}).exitCode, 0);
    auto r = test::runCli({"jobs", "show", "4242", "--db", db});
    EXPECT_EQ(r.exitCode, 3) << r.err;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("[not_found]"), std::string::npos) << r.err;
}
