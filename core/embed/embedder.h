#pragma once
/// Text embeddings from a Hugging Face model folder (config.json + safetensors + tokenizer),
/// in plain C++ types. Decoders (Llama/Mistral/Qwen2) pool the last token with EOS appended
/// explicitly and left padding; encoders (BERT) pool CLS or the mean.
///
/// Example:
///   auto e = embed::Embedder::load("models/e5-mistral");
///   if (!e) return e.error();
///   embed::EmbedOptions o;
///   o.instruction = "Given a scientific claim, retrieve documents that support or refute the claim";
///   auto vectors = (*e)->embed({"aspirin lowers fever"}, o);   // Result<std::vector<std::vector<float>>>

#include "core/util/progress.h"
#include "core/util/result.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace synthembed::embed {

enum class Pooling {
    Auto, ///< sentence-transformers 1_Pooling/config.json if present, else Last (decoders) / Cls (encoders)
    Last, ///< hidden state of the last token (EOS appended explicitly)
    Mean, ///< mean over the real tokens
    Cls,  ///< hidden state of the first token
};
enum class Padding { Auto, Left, Right }; ///< Auto: left for decoders, right for encoders

/// Parses "auto", "last", "mean", "cls"; false when unknown.
bool parsePooling(const std::string& name, Pooling& out);
const char* poolingName(Pooling pooling);

struct LoadOptions {
    std::string device = "cpu"; ///< "cpu", "cuda", "cuda:N"
    std::string dtype = "auto"; ///< auto (fp32 CPU, bf16 CUDA), float32, bfloat16, float16
    /// While the weights load (a 7B model can take a minute): progress(bytes loaded, bytes in all,
    /// tensor name); shouldStop cancels the load (error "cancelled").
    ProgressHooks hooks;
};

struct EmbedOptions {
    Pooling pooling = Pooling::Auto;
    /// Non-empty: each text becomes "Instruct: {instruction}\nQuery: {text}" (queries only;
    /// documents get no prefix).
    std::string instruction;
    /// Prepended as is to each text (a sentence-transformers prompt, see ModelInfo::prompts and
    /// selectPrompt); before the instruction prefix when both are set.
    std::string prompt;
    bool normalize = true; ///< L2-normalise each vector
    int batchSize = 32;    ///< sequences per forward pass (texts are sorted by length first)
    int maxLength = 512;   ///< tokens per text incl. specials; also capped by the model; 0 = model's limit
    Padding padding = Padding::Auto;
};

struct ModelInfo {
    std::filesystem::path path;
    std::string modelType; ///< config.json model_type
    bool decoder = false;
    int dimension = 0;
    int maxPositions = 0;
    Pooling defaultPooling = Pooling::Last; ///< what Pooling::Auto resolves to
    std::string device;
    std::string dtype;
    /// Stable id for caches: hash of config.json, tokenizer files, and every tensor's name,
    /// dtype, shape and sampled bytes (start, middle, end). Changes when weights change.
    std::string fingerprint;
    /// sentence-transformers' prompts from config_sentence_transformers.json ("prompts": name ->
    /// text prepended to each input, e.g. "query") and "default_prompt_name" ("" = none).
    std::map<std::string, std::string> prompts;
    std::string defaultPromptName;
};

/// The prompt text to prepend, like sentence-transformers' encode(prompt_name=...): `name` empty
/// = the folder's default_prompt_name (none: ""); an unknown name is an error ("usage") that
/// lists the folder's prompt names.
Result<std::string> selectPrompt(const ModelInfo& info, const std::string& name);

/// The instruction prefix for queries: "Instruct: {task}\nQuery: ".
std::string instructionPrefix(const std::string& task);

class Embedder {
  public:
    ~Embedder();
    Embedder(const Embedder&) = delete;
    Embedder& operator=(const Embedder&) = delete;

    /// Loads config.json, the safetensors weights and the tokenizer from `dir`.
    static Result<std::unique_ptr<Embedder>> load(const std::filesystem::path& dir,
                                                  const LoadOptions& options = {});

    /// One vector per text, in input order.
    Result<std::vector<std::vector<float>>> embed(const std::vector<std::string>& texts,
                                                  const EmbedOptions& options = {},
                                                  const ProgressHooks& hooks = {}) const;
    /// Same from token ids already produced by the tokenizer (specials included). With Last
    /// pooling EOS is appended when a sequence does not end with it.
    Result<std::vector<std::vector<float>>> embedIds(const std::vector<std::vector<std::int32_t>>& ids,
                                                     const EmbedOptions& options = {},
                                                     const ProgressHooks& hooks = {}) const;

    /// Token ids exactly as embed() feeds them to the model (instruction, truncation, EOS).
    Result<std::vector<std::vector<std::int32_t>>> tokenize(const std::vector<std::string>& texts,
                                                            const EmbedOptions& options = {}) const;

    const ModelInfo& info() const;

    struct Impl;

  private:
    explicit Embedder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// Fingerprint of a model folder without loading it (see ModelInfo::fingerprint).
Result<std::string> modelFingerprint(const std::filesystem::path& dir);

} // namespace synthembed::embed
