// tokenize: run a model folder's tokenizer over JSONL texts.

#include "command.h"
#include "model_ref.h"

#include "core/platform/platform.h"
#include "core/tok/tokenizer.h"
#include "core/util/durable.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace synthembed::cli {
namespace {

struct TokenizeOptions {
    std::string model;
    std::string input;
    std::string output;
    bool noSpecial = false;
    bool offsets = false;
    size_t maxLength = 0;
};

void runTokenize(const TokenizeOptions& o) {
    auto tok = tok::Tokenizer::load(resolveModelArg(o.model));
    if (!tok) throw CliError{tok.error().message, 0, tok.error().code};

    std::ifstream inFile;
    std::istream* in = &std::cin;
    std::string inName = "stdin";
    if (!o.input.empty() && o.input != "-") {
        inFile.open(o.input, std::ios::binary);
        if (!inFile) throw CliError{o.input + ": cannot open"};
        in = &inFile;
        inName = o.input;
    }
    // Output goes to a temporary file renamed at the end, so a failure leaves no half-written file.
    std::filesystem::path outPath, tmpPath;
    std::ofstream outFile;
    std::ostream* out = &std::cout;
    if (!o.output.empty() && o.output != "-") {
        outPath = o.output;
        tmpPath = outPath;
        tmpPath += ".tmp";
        outFile.open(tmpPath, std::ios::binary | std::ios::trunc);
        if (!outFile) throw CliError{o.output + ": cannot write"};
        out = &outFile;
    }
    auto fail = [&](const std::string& msg) {
        if (!tmpPath.empty()) {
            outFile.close();
            std::error_code ec;
            std::filesystem::remove(tmpPath, ec);
        }
        throw CliError{msg};
    };

    tok::EncodeOptions eo;
    eo.addSpecialTokens = !o.noSpecial;
    eo.maxLength = o.maxLength;
    eo.withOffsets = o.offsets;
    std::string line;
    size_t lineNo = 0;
    while (std::getline(*in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const nlohmann::json::exception& e) {
            fail(inName + " line " + std::to_string(lineNo) + ": invalid JSON (" + e.what() + ")");
        }
        if (!j.is_object() || !j.contains("text") || !j["text"].is_string())
            fail(inName + " line " + std::to_string(lineNo) +
                 ": expected an object with a string field \"text\"");
        auto e = (*tok)->encode(j["text"].get_ref<const std::string&>(), eo);
        nlohmann::json r = {{"ids", e.ids}, {"tokens", e.tokens}};
        if (o.offsets) {
            nlohmann::json offs = nlohmann::json::array();
            for (const auto& [s, t] : e.offsets)
                offs.push_back({s, t});
            r["offsets"] = std::move(offs);
        }
        *out << r.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    }
    if (in->bad()) fail(inName + ": read error");
    if (!tmpPath.empty()) {
        outFile.close();
        if (!outFile) fail(o.output + ": write error");
        try { // flushed to the disk before it replaces the output (durable, like every file we write)
            platform::syncFile(tmpPath);
            durable::renameDurably(tmpPath, outPath);
        } catch (const Failure& f) {
            fail(f.what());
        }
    } else {
        out->flush();
    }
}

void registerTokenizeCommands(CLI::App& root) {
    auto opts = std::make_shared<TokenizeOptions>();
    auto* cmd = root.add_subcommand(
        "tokenize", "Tokenize JSONL texts ({\"text\": ...} per line) with a model's tokenizer");
    cmd->add_option("--model", opts->model,
                    "Model folder (tokenizer.json, tokenizer.model or vocab.txt, with tokenizer_config.json) "
                    "or a tokenizer file, or a Hugging Face repo id ORG/NAME[@REV]")
        ->required();
    cmd->add_option("--input", opts->input, "Input JSONL (default: stdin)");
    cmd->add_option("--output", opts->output,
                    "Output JSONL, {\"ids\": [...], \"tokens\": [...]} per line (default: stdout)");
    cmd->add_flag("--no-special", opts->noSpecial, "Do not add special tokens (CLS/SEP, BOS/EOS)");
    cmd->add_flag("--offsets", opts->offsets, "Also write character offsets [start, end) per token");
    cmd->add_option("--max-length", opts->maxLength,
                    "Truncate to this many tokens, specials included (0 = no limit)");
    cmd->footer(
        "Example: echo '{\"text\": \"Hello world\"}' | synthembed-cli tokenize --model models/bge-small");
    cmd->callback([opts] { runTokenize(*opts); });
}

const Registrar reg(40, registerTokenizeCommands);

} // namespace
} // namespace synthembed::cli
