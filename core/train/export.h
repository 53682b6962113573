#pragma once
// Core-internal (torch): writing the trained model folder.
//   model.safetensors + config.json + tokenizer files   merged weights, loads like the base model
//   adapter/adapter_config.json + adapter_model.safetensors   LoRA alone, PEFT layout and tensor names
//                                                       (in the folder itself when no merged weights are written)
//   modules.json, sentence_bert_config.json, 1_Pooling/config.json, 2_Normalize/,
//   config_sentence_transformers.json                   so sentence-transformers loads it unchanged

#include "core/train/checkpoint.h"
#include "core/train/config.h"
#include "core/train/lora.h"

#include <torch/torch.h>

#include <string>

namespace synthembed::train {

/// Subfolder of the LoRA adapter beside merged weights (PeftModel.from_pretrained(base, "OUT/adapter")).
inline constexpr const char* kAdapterFolder = "adapter";

struct ExportInfo {
    std::string baseModelDir;
    std::string outputDir;
    bool decoder = true;
    std::int64_t hiddenSize = 0;
    std::string modelType;
    std::string instruction; ///< the one instruction of the data, if they share one (query prompt)
    std::string runId;       ///< the training run (checkpoint run id), kept in synthembed_train.json
    std::int64_t step = -1;  ///< optimiser steps the exported weights have seen
};

/// Writes the model files as one unit (durable::FolderUpdate): they are staged, committed by the
/// manifest synthembed_train.json (settings, run id, step, every file with its size) and moved into
/// the output folder, which keeps its checkpoints/; a reader finds the previous model or this one.
/// Merging modifies `module`'s weights in place and
/// detaches the adapters. Tensor names and dtypes follow the base checkpoint.
void exportModel(const ExportInfo& info, const TrainConfig& config, torch::nn::Module& module, LoraSet lora,
                 const NamedTensors& trainable);

/// The single instruction shared by every example, else a generic retrieval instruction.
std::string queryPrompt(const std::string& instruction);

} // namespace synthembed::train
