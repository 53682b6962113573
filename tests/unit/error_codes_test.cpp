// The one error-code vocabulary: every code thrown or returned in core/, app/ and ui/ is in
// core/util/error_codes.cpp and documented in docs/guide.md, in one spelling (snake_case); the
// CLI prints the code after the message and exits with the code's status.

#include "core/util/error_codes.h"

#include "support/test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

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

/// An error code given in source text, and the 1-based line it is on.
struct FoundCode {
    std::string code;
    int line = 0;
};

/// The arguments of the call whose '(' is at `open` in `text` (split at top-level commas, trimmed);
/// empty when the parenthesis does not close.
std::vector<std::string> callArguments(const std::string& text, std::size_t open) {
    std::vector<std::string> args(1);
    int depth = 0;
    bool inString = false;
    for (std::size_t i = open; i < text.size(); ++i) {
        const char ch = text[i];
        if (inString) {
            if (ch == '\\' && i + 1 < text.size()) args.back() += text[i++];
            else if (ch == '"') inString = false;
            args.back() += ch;
            continue;
        }
        if (ch == '"') inString = true;
        if (ch == '(' || ch == '{' || ch == '[') {
            if (depth++ == 0) continue;
        } else if (ch == ')' || ch == '}' || ch == ']') {
            if (--depth == 0) {
                for (auto& a : args) {
                    const auto b = a.find_first_not_of(" \t\r\n"), e = a.find_last_not_of(" \t\r\n");
                    a = b == std::string::npos ? std::string() : a.substr(b, e - b + 1);
                }
                return args;
            }
        } else if (ch == ',' && depth == 1) {
            args.emplace_back();
            continue;
        }
        args.back() += ch;
    }
    return {};
}

/// Every error code a source file gives:
/// - Failure("code", ...), Error{"code", ...}, Failure(cond ? "a" : "b", ...);
/// - guarded(fn, "code") (the code for anything else fn throws, on the lambda's closing line);
/// - platform::MappedFile(path, "code", ...) (also through make_shared<MappedFile>(...), over lines)
///   and platform's own fail("code", path, ...) (a fail() given a message alone is another helper's);
/// - a code parameter's default: `const char* errorCode = "io"`.
std::vector<FoundCode> codesIn(const std::string& text) {
    static const std::regex direct(R"re(\b(?:Failure|Error)\s*[\(\{]\s*"([^"]*)")re");
    static const std::regex ternary(R"re(\bFailure\s*\([^;"]*\?\s*"([^"]*)"\s*:\s*"([^"]*)")re");
    static const std::regex guardedCode(R"re(^\s*\}\s*,\s*"([a-z_.]+)"\);)re");
    static const std::regex guardedOneLine(R"re(\bguarded\(.*,\s*"([a-z_.]+)"\);\s*$)re");
    static const std::regex freeFail(R"re((?:^|[^.\w>])fail\s*\(\s*"([^"]*)"\s*,\s*\w)re");
    static const std::regex codeDefault(R"re(\b(?:const char\s*\*|std::string(?:_view)?)\s*\w*[cC]ode\s*=\s*"([^"]*)")re");
    static const std::regex mappedFile(R"re(\bMappedFile\s*(?:>\s*)?(?:\w+\s*)?\()re");
    std::vector<FoundCode> out;
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        for (const auto* re : {&direct, &freeFail, &codeDefault})
            for (std::sregex_iterator it(line.begin(), line.end(), *re), end; it != end; ++it)
                out.push_back({(*it)[1], n});
        if (std::smatch m; std::regex_search(line, m, guardedCode) || std::regex_search(line, m, guardedOneLine))
            out.push_back({m[1], n});
        for (std::sregex_iterator it(line.begin(), line.end(), ternary), end; it != end; ++it) {
            out.push_back({(*it)[1], n});
            out.push_back({(*it)[2], n});
        }
    }
    // MappedFile's code is its second argument; the call may span lines.
    for (std::sregex_iterator it(text.begin(), text.end(), mappedFile), end; it != end; ++it) {
        const auto open = static_cast<std::size_t>(it->position(0) + it->length(0) - 1);
        const auto args = callArguments(text, open);
        if (args.size() < 2) continue;
        const std::string& code = args[1];
        if (code.size() < 2 || code.front() != '"' || code.back() != '"') continue; // not a literal
        const int lineNo = 1 + static_cast<int>(std::count(text.begin(), text.begin() + std::ptrdiff_t(open), '\n'));
        out.push_back({code.substr(1, code.size() - 2), lineNo});
    }
    return out;
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

// The scan sees every way the sources give a code, and not field names passed to other fail()s.
TEST(ErrorCodes, ScanFindsEveryWayACodeIsGiven) {
    auto codes = [](const std::string& text) {
        std::vector<std::string> out;
        for (const auto& f : codesIn(text)) out.push_back(f.code + "@" + std::to_string(f.line));
        std::sort(out.begin(), out.end());
        return out;
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(codes("throw Failure(\"a_one\", \"x\");"), V{"a_one@1"});
    EXPECT_EQ(codes("return Error{\"a_two\", msg};"), V{"a_two@1"});
    EXPECT_EQ(codes("throw Failure(ok ? \"a_three\" : \"a_four\", m);"), (V{"a_four@1", "a_three@1"}));
    EXPECT_EQ(codes("    return guarded([&] {\n        return 1;\n    }, \"a_five\");"), V{"a_five@3"});
    EXPECT_EQ(codes("auto r = guarded([&] { return 1; }, \"a_six\");"), V{"a_six@1"});
    // MappedFile: the second argument, however the object is made, also over lines; a variable is not a code.
    EXPECT_EQ(codes("auto m = std::make_shared<MappedFile>(f, \"a_seven\", MappedFile::Access::CopyOnWrite);"),
              V{"a_seven@1"});
    EXPECT_EQ(codes("platform::MappedFile map(dir / \"x.bin\", \"a_eight\");"), V{"a_eight@1"});
    EXPECT_EQ(codes("int x;\nauto m = std::make_unique<platform::MappedFile>(\n    join(a, b),\n    \"a_nine\");"),
              V{"a_nine@2"});
    EXPECT_EQ(codes("MappedFile map(path, errorCode);\nMappedFile(const MappedFile&) = delete;"), V{});
    EXPECT_EQ(codes("explicit MappedFile(const std::filesystem::path& path, const char* errorCode = \"a_ten\",\n"
                    "                    Access access = Access::ReadOnly);"),
              V{"a_ten@1"});
    EXPECT_EQ(codes("    if (fd < 0) fail(\"a_eleven\", file, \"cannot open\");"), V{"a_eleven@1"});
    EXPECT_EQ(codes("cfg.fail(\"model_type\", \"is not supported\");"), V{});
    EXPECT_EQ(codes("if (m_p >= m_end) fail(\"truncated varint\");"), V{});
}

TEST(ErrorCodes, EveryCodeInTheSourcesIsInTheVocabularyAndTheGuide) {
    const auto root = sourceRoot();
    if (!fs::exists(root / "core" / "util" / "error_codes.cpp")) GTEST_SKIP() << "sources not found under " << root;
    std::map<std::string, std::string> where; // code -> first file:line
    for (const char* dir : {"core", "app", "ui"})
        for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
            const auto ext = e.path().extension();
            if (ext != ".cpp" && ext != ".h") continue;
            for (const auto& f : codesIn(slurp(e.path())))
                where.emplace(f.code, fs::relative(e.path(), root).string() + ":" + std::to_string(f.line));
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
