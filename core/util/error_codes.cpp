#include "core/util/error_codes.h"

#include <array>

namespace synthembed::errors {

namespace {

// Exit statuses: 1 anything else, 2 command-line use, 3 something named is missing, 4 the file
// system, 5 the content of a file or value, 6 a server or the network, 7 this machine's resources
// or another process, 130 stopped by the user.
constexpr std::array kCodes{
    // general
    CodeInfo{"usage", "the command line or a call was used wrongly (unknown option, bad option value)",
             "see --help; the message names the option", 2},
    CodeInfo{"invalid", "a value is not acceptable (out of range, contradicts another setting)",
             "change the value the message names", 5},
    CodeInfo{"not_found", "a named thing does not exist (job, run, sample, file, dataset, model)",
             "check the name or id; list what exists (jobs list, samples list, models list)", 3},
    CodeInfo{"exists", "the output already exists and would be replaced", "pass --force or choose another path", 5},
    CodeInfo{"unsupported", "a format, dtype, model type or feature this build does not support",
             "use a supported one (the message lists them)", 5},
    CodeInfo{"state", "the operation does not fit the object's state (resume a cancelled job, edit a running one)",
             "wait for it or change its state first", 5},
    CodeInfo{"conflict", "the object changed in another window or process meanwhile; nothing was written",
             "reload and try again", 7},
    CodeInfo{"busy", "another process runs the job or run, or holds the file", "wait for it or stop it", 7},
    CodeInfo{"db_busy", "another writer held the project database's lock too long (retried first)",
             "try again; a long job in another window may hold it", 7},
    CodeInfo{"cancelled", "stopped by the user; nothing half-written stays", "start it again to continue", 130},
    CodeInfo{"memory", "the work does not fit this machine's memory (estimated before starting)",
             "use the smaller dtype or batch the message suggests, or a larger machine", 7},
    CodeInfo{"device", "the compute device is not available (CUDA not compiled in, no such GPU)",
             "use --device cpu or a CUDA build", 7},
    CodeInfo{"internal", "a bug in synthembed", "report it with the log (Help > Show log / --verbose)", 1},
    // files and the project
    CodeInfo{"io", "a file could not be read, written, renamed or synced", "check the path, permissions and free space",
             4},
    CodeInfo{"parse", "a file or text is not in the expected format (JSON, JSONL, CSV, template syntax)",
             "fix the file at the line and field the message names", 5},
    CodeInfo{"corrupt", "a file is damaged (checksum mismatch, truncated, torn write)",
             "restore it, or delete it to have it rebuilt or downloaded again", 5},
    CodeInfo{"db", "the project database failed (SQLite error, not a synthembed project)",
             "check the file; open it with a synthembed of the same or newer version", 4},
    CodeInfo{"schema", "the project was written by a newer synthembed", "update synthembed", 5},
    CodeInfo{"mismatch", "two inputs that must agree do not (dimensions, items, tokenizer and model)",
             "use matching inputs", 5},
    CodeInfo{"empty", "there is nothing to work on (no samples, no texts, no items)", "add data first", 5},
    // data and models
    CodeInfo{"model", "a model folder is unusable (config.json, weights, checkpoint tensors)",
             "check the folder the message names", 5},
    CodeInfo{"tokenizer", "tokenizer files are invalid or of a kind not supported",
             "check tokenizer.json / tokenizer.model in the model folder", 5},
    CodeInfo{"dataset", "evaluation data is missing parts or malformed (BEIR layout, columns, labels)",
             "fix the dataset folder the message names", 5},
    CodeInfo{"cache", "the embedding cache could not be used", "delete the cache file; it is rebuilt", 5},
    CodeInfo{"index", "a search index is inconsistent with its input (dimension, duplicate id)",
             "rebuild the index", 5},
    // generation
    CodeInfo{"template", "a prompt template cannot be rendered (syntax, placeholder, pool, missing step)",
             "fix the template in Templates (its problems list) or `prompts check`", 5},
    // the template checker's own codes, also returned when a prompt is rendered
    CodeInfo{"unknown_placeholder", "a template uses a {placeholder} that no pool or input defines",
             "define it in the template's header or fix the name", 5},
    CodeInfo{"missing_pool", "a template's placeholder names a value pool that does not exist", "create the pool", 5},
    CodeInfo{"empty_pool", "a value pool has no values (or all weights 0) for the language asked", "add values", 5},
    CodeInfo{"missing_input", "a template's input (e.g. {task}) was not given a value", "give it (a brainstorm step fills it)",
             5},
    CodeInfo{"llm", "the LLM endpoint failed the request (HTTP error after retries, refused)",
             "check the endpoint, key and model (Test connection)", 6},
    CodeInfo{"llm_config", "the endpoint settings are incomplete (no endpoint, key variable unset, bad URL)",
             "set them in Settings or on the command line", 5},
    CodeInfo{"llm_answer", "the model's answer is not in the expected form (not JSON, no list of tasks)",
             "the sample is rejected with this reason; a better model or template helps", 6},
    CodeInfo{"batch", "an OpenAI Batch file could not be exported or imported", "check the file the message names",
             5},
    // hub (model and dataset downloads)
    CodeInfo{"network", "the server could not be reached or the connection dropped",
             "check the connection; downloads resume where they stopped", 6},
    CodeInfo{"auth", "the server refused the credentials (gated or private repository)",
             "set HF_TOKEN to a token with access", 6},
    CodeInfo{"hub", "the Hugging Face hub answered something unexpected", "try again later or set HF_ENDPOINT", 6},
    CodeInfo{"offline", "HF_HUB_OFFLINE=1 and the file is not in the cache", "download it first or unset HF_HUB_OFFLINE",
             6},
    CodeInfo{"not_cached", "the model is not in the Hugging Face cache", "download it (models pull / Download...)", 3},
    CodeInfo{"incomplete", "a cached model snapshot lacks files", "download it again (models pull)", 5},
    // training
    CodeInfo{"train_config", "the base model cannot be trained as configured", "see the message; change the model", 5},
    CodeInfo{"train_settings", "a training setting is out of range or contradicts another", "change the setting", 5},
    CodeInfo{"train_data", "the training data is unusable (too few samples, no positives, bad file)",
             "curate more samples or fix the file", 5},
    CodeInfo{"train_model", "the model could not be built or loaded for training", "check the model folder", 5},
    CodeInfo{"train_lora", "the LoRA adapter settings or files are invalid", "check rank, alpha, targets", 5},
    CodeInfo{"train_checkpoint", "a training checkpoint is missing or damaged", "resume from another step or start anew",
             5},
    CodeInfo{"train_resume", "the run cannot be resumed with these settings", "keep the settings the message names",
             5},
    CodeInfo{"train_export", "the trained model could not be exported", "see the message; the previous export stays",
             4},
    CodeInfo{"train_output", "the output folder holds another run or cannot be written",
             "choose another folder, resume that run, or move it aside", 5},
    CodeInfo{"train_db", "the run's rows could not be written to the project", "check the project file and free space",
             4},
    CodeInfo{"train_dist", "distributed training could not start or lost a process",
             "check RANK, WORLD_SIZE, MASTER_ADDR/PORT on every node", 6},
    CodeInfo{"train_nonfinite", "the loss became NaN or infinite", "lower the learning rate; resume from a checkpoint",
             5},
};

} // namespace

std::span<const CodeInfo> all() { return kCodes; }

const CodeInfo* find(std::string_view code) {
    for (const auto& c : kCodes)
        if (c.code == code) return &c;
    return nullptr;
}

int exitStatus(std::string_view code) {
    const auto* c = find(code);
    return c ? c->exitStatus : 1;
}

} // namespace synthembed::errors
