// embed: text embeddings from a Hugging Face model folder, JSONL in, JSONL or .npy out.

#include "command.h"
#include "json_out.h"
#include "model_ref.h"
#include "progress_bar.h"

#include "core/embed/embedder.h"
#include "core/platform/platform.h"
#include "core/util/durable.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace synthembed::cli {
namespace {

struct EmbedArgs {
    std::string model, input, output, pooling = "auto", instruction, promptName, prompt, device = "cpu", dtype = "auto";
    bool noNormalize = false, force = false, promptGiven = false;
    int batchSize = 32, maxLength = 512;
};

std::vector<std::string> readTexts(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw CliError{path + ": cannot read"};
    std::vector<std::string> texts;
    std::string line;
    for (int lineNo = 1; std::getline(in, line); ++lineNo) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        try {
            auto j = nlohmann::json::parse(line);
            if (!j.is_object() || !j.contains("text") || !j["text"].is_string())
                throw CliError{path + ":" + std::to_string(lineNo) +
                               ": expected an object with a string \"text\""};
            texts.push_back(j["text"].get<std::string>());
        } catch (const nlohmann::json::exception& e) {
            throw CliError{path + ":" + std::to_string(lineNo) + ": invalid JSON: " + e.what()};
        }
    }
    return texts;
}

/// NumPy .npy v1.0: float32 little-endian, C order, shape (n, dim).
void writeNpy(std::ostream& out, const std::vector<std::vector<float>>& v, std::size_t dim) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(v.size()) +
                         ", " + std::to_string(dim) + "), }";
    std::size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header.push_back('\n');
    out.write("\x93NUMPY\x01\x00", 8);
    auto len = static_cast<std::uint16_t>(header.size());
    char lenBytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
    out.write(lenBytes, 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    for (const auto& row : v)
        out.write(reinterpret_cast<const char*>(row.data()),
                  static_cast<std::streamsize>(row.size() * sizeof(float)));
}

void writeOutput(const std::string& path, const std::vector<std::vector<float>>& vectors, std::size_t dim) {
    durable::AtomicFile file(path); // temporary sibling, fsync, rename, folder fsync
    auto& out = file.out();
    if (std::filesystem::path(path).extension() == ".npy") {
        writeNpy(out, vectors, dim);
    } else {
        for (const auto& v : vectors)
            out << nlohmann::json{{"embedding", v}}.dump() << "\n";
    }
    file.commit();
}

void run(const EmbedArgs& a) {
    // Refuse the output before loading the model: never the project file, an existing file only with --force.
    durable::checkOutput(a.output, a.force, projectPath());
    embed::EmbedOptions o;
    if (!embed::parsePooling(a.pooling, o.pooling))
        throw CliError{"--pooling must be auto, last, mean or cls"};
    o.instruction = a.instruction;
    o.normalize = !a.noNormalize;
    o.batchSize = a.batchSize;
    o.maxLength = a.maxLength;
    auto texts = readTexts(a.input);
    auto e = embed::Embedder::load(resolveModelArg(a.model), {.device = a.device, .dtype = a.dtype});
    if (!e) throw CliError{e.error().message, 0, e.error().code};
    // The folder's prompt (--prompt-name, else its default_prompt_name) unless given as text or
    // replaced by an --instruction.
    if (a.promptGiven) o.prompt = a.prompt;
    else if (a.instruction.empty() || !a.promptName.empty()) {
        auto p = embed::selectPrompt((*e)->info(), a.promptName);
        if (!p) throw CliError{p.error().message, 0, p.error().code};
        o.prompt = *p;
    }
    ProgressBar bar("embed");
    auto vectors = (*e)->embed(texts, o, bar.hooks());
    bar.finish();
    if (!vectors) throw CliError{vectors.error().message, 0, vectors.error().code};
    const auto& info = (*e)->info();
    writeOutput(a.output, *vectors, static_cast<std::size_t>(info.dimension));
    if (globals().json)
        printJson({{"texts", texts.size()},
                   {"dimension", info.dimension},
                   {"output", a.output},
                   {"model_type", info.modelType},
                   {"pooling",
                    embed::poolingName(o.pooling == embed::Pooling::Auto ? info.defaultPooling : o.pooling)},
                   {"prompt", o.prompt},
                   {"device", info.device},
                   {"fingerprint", info.fingerprint},
                   {"peak_memory_mb", std::lround(platform::peakResidentMemoryMb())}});
    else if (!globals().quiet)
        std::cerr << "embedded " << texts.size() << " texts (" << info.dimension << " dims) -> " << a.output
                  << "\n";
}

void registerEmbed(CLI::App& root) {
    auto args = std::make_shared<EmbedArgs>();
    auto* cmd =
        root.add_subcommand("embed", "Embed texts with a Hugging Face model folder (JSONL {\"text\"} in)");
    cmd->add_option("--model", args->model, "Model folder (config.json, *.safetensors, tokenizer files) or Hugging Face repo id ORG/NAME[@REV]")
        ->required();
    cmd->add_option("--input", args->input, "JSONL file, one {\"text\": ...} per line")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--output", args->output,
                    "JSONL ({\"embedding\": [...]} per line) or .npy (float32 [n, dim]); never the project file")
        ->required();
    cmd->add_flag("--force", args->force, "Replace the --output file when it exists");
    cmd->add_option("--pooling", args->pooling, "auto (model's default), last (EOS appended), mean, cls")
        ->check(CLI::IsMember({"auto", "last", "mean", "cls"}));
    cmd->add_option("--instruction", args->instruction,
                    "Query instruction: texts become \"Instruct: T\\nQuery: text\"");
    auto* promptName = cmd->add_option("--prompt-name", args->promptName,
                                       "Prepend the model folder's prompt NAME (config_sentence_transformers.json, "
                                       "e.g. query); default: its default_prompt_name");
    cmd->add_option("--prompt", args->prompt, "Prepend TEXT as is to each text (instead of the folder's prompt)")
        ->excludes(promptName);
    cmd->add_flag("--no-normalize", args->noNormalize, "Keep raw vectors (default: L2-normalised)");
    cmd->add_option("--batch-size", args->batchSize, "Texts per forward pass (sorted by length)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--max-length", args->maxLength, "Max tokens per text incl. specials (0 = model limit)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--device", args->device, "cpu, cuda or cuda:N");
    cmd->add_option("--dtype", args->dtype, "auto (fp32 on CPU, bf16 on CUDA), float32, bfloat16, float16")
        ->check(CLI::IsMember({"auto", "float32", "bfloat16", "float16"}));
    cmd->footer(
        "Example: synthembed-cli embed --model models/e5-mistral --input queries.jsonl --output q.npy \\\n"
        "           --instruction \"Given a web search query, retrieve relevant passages that answer the "
        "query\"");
    cmd->callback([args, cmd] {
        args->promptGiven = cmd->count("--prompt") > 0;
        run(*args);
    });
}

const Registrar reg(40, registerEmbed);

} // namespace
} // namespace synthembed::cli
