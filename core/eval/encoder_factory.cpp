#include "core/eval/encoder_factory.h"

#include "core/embed/embedder.h"
#include "core/eval/results.h"
#include "core/hub/hub.h"

#include "core/util/durable.h"
#include "core/util/log.h"

#include <filesystem>

namespace synthembed::eval {

namespace {

/// A model folder behind the TextEncoder interface. Texts arrive already formatted (the
/// instruction applied by embedTexts), so the embedder gets no instruction of its own; the
/// vectors are the model's standard (L2-normalised) output.
class ModelEncoder : public TextEncoder {
public:
    ModelEncoder(std::unique_ptr<embed::Embedder> e, embed::EmbedOptions o, std::size_t batch,
                 std::optional<ModelFiles> files)
        : m_embedder(std::move(e)), m_options(std::move(o)), m_batch(batch), m_files(std::move(files)) {
        embed::Pooling p = m_options.pooling == embed::Pooling::Auto ? m_embedder->info().defaultPooling : m_options.pooling;
        m_options.pooling = p;
        m_pooling = embed::poolingName(p);
        // Everything that changes the vectors belongs to the cache key.
        m_fingerprint = m_embedder->info().fingerprint + "-len" + std::to_string(m_options.maxLength) + "-" +
                        m_embedder->info().dtype;
    }
    std::string fingerprint() const override { return m_fingerprint; }
    std::string pooling() const override { return m_pooling; }
    std::size_t batchSize() const override { return m_batch; }
    std::optional<ModelFiles> modelFiles() const override { return m_files; }
    /// A folder that `train` wrote carries the training data's instruction as its "query" prompt
    /// (for sentence-transformers users); evaluation keeps the dataset's e5 instruction for it.
    std::map<std::string, std::string> prompts() const override {
        std::error_code ec;
        if (std::filesystem::exists(m_embedder->info().path / durable::kModelManifestName, ec)) return {};
        return m_embedder->info().prompts;
    }
    Matrix encode(const std::vector<std::string>& texts, const ProgressHooks& hooks) override {
        auto r = m_embedder->embed(texts, m_options, hooks);
        if (!r) throw Failure(r.error().code, r.error().message);
        Matrix m;
        for (auto& v : *r) {
            Matrix row(1, v.size());
            row.data = std::move(v);
            m.append(row);
        }
        return m;
    }

private:
    std::unique_ptr<embed::Embedder> m_embedder;
    embed::EmbedOptions m_options;
    std::size_t m_batch;
    std::optional<ModelFiles> m_files;
    std::string m_fingerprint, m_pooling;
};

} // namespace

Result<std::unique_ptr<TextEncoder>> openEncoder(const EncoderSpec& spec) {
    return guarded([&]() -> std::unique_ptr<TextEncoder> {
        if (spec.model == "hash" || spec.model.rfind("hash:", 0) == 0) {
            std::size_t dim = 256;
            if (spec.model.size() > 5) {
                try {
                    dim = std::stoul(spec.model.substr(5));
                } catch (const std::exception&) {
                    throw Failure("usage", "model '" + spec.model + "': expected hash:DIM with DIM a number");
                }
            }
            if (dim == 0 || dim > 65536) throw Failure("usage", "model '" + spec.model + "': DIM must be 1..65536");
            return std::make_unique<HashEncoder>(dim);
        }
        std::error_code ec;
        std::string folder = spec.model;
        if (!std::filesystem::is_directory(folder, ec)) {
            const auto local = hub::locateModel(folder, hub::HubSettings::fromEnvironment());
            if (local.kind == hub::LocalModel::Kind::CachedRepo) {
                folder = local.path.string();
                log::info(spec.model, ": using the Hugging Face cache ", folder);
            } else if (local.repo) {
                throw Failure("not_cached", local.message + " (download it first: synthembed-cli models pull " +
                                                local.repo->text() + ", or Download... in the GUI)");
            } else {
                throw Failure("io", spec.model + ": no such model folder, nor a Hugging Face repo id ORG/NAME[@revision] "
                                                 "(or use hash:DIM for the hashing encoder)");
            }
        }
        embed::EmbedOptions o;
        if (!spec.pooling.empty() && !embed::parsePooling(spec.pooling, o.pooling))
            throw Failure("usage", "unknown pooling '" + spec.pooling + "' (last, mean, cls)");
        o.maxLength = spec.maxLength;
        o.normalize = true;
        o.batchSize = spec.batchSize ? int(spec.batchSize) : 32;
        // A folder `train` wrote is settled first (an interrupted model swap finished), then stamped
        // before loading: a change during the load shows as a change later, never the reverse.
        durable::settleFolder(folder, durable::kModelManifestName);
        auto files = stampModelFiles(folder);
        if (!files) log::warn("model files of ", folder, " not stamped: ", files.error().message);
        embed::LoadOptions lo{spec.device, "auto"};
        lo.hooks = spec.loadHooks;
        auto e = embed::Embedder::load(folder, lo);
        if (!e) throw Failure(e.error().code, e.error().message);
        // Hand texts to the embedder in groups of several of its batches (progress, cache writes).
        return std::make_unique<ModelEncoder>(std::move(*e), o, std::size_t(o.batchSize) * 8,
                                              files ? std::optional<ModelFiles>(std::move(*files)) : std::nullopt);
    }, "model");
}

} // namespace synthembed::eval
