using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Rebel.Models;
using Rebel.Models.Gpt2;
using Rebel.Models.Llama;
using Rebel.Tensors;
using Rebel.Tensors.Memory;
using Rebel.Tensors.Optim;

namespace Rebel.Benchmarks;

/// <summary>
/// <c>Rebel.Benchmarks train-step</c>: one GPT-2 (or, with <c>--model-type llama</c>, SmolLM2-135M-shaped Llama) training step (forward, cross-entropy, backward, AdamW) on random tokens,
/// timed per step; prints one JSON line with the median step time and the process's peak resident memory, the same
/// fields <c>bench/pytorch/train_step.py</c> prints for the same model in PyTorch (see <c>bench/train-step.sh</c>).
/// </summary>
internal static class TrainStepBench
{
    public static Command Create()
    {
        var steps = new Option<int>("--steps") { Description = "Timed steps (after 2 warm-up steps).", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "Sequences per step (B).", DefaultValueFactory = _ => 16 };
        var context = new Option<int>("--context") { Description = "Tokens per sequence (T).", DefaultValueFactory = _ => 128 };
        var width = new Option<int>("--width") { Description = "Embedding size (C).", DefaultValueFactory = _ => 256 };
        var layers = new Option<int?>("--layers") { Description = "Transformer blocks (default 4 for gpt2, 30 for llama)." };
        var heads = new Option<int>("--heads") { Description = "Attention heads.", DefaultValueFactory = _ => 4 };
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size (V).", DefaultValueFactory = _ => 512 };
        var modelType = new Option<string>("--model-type")
        {
            Description = "gpt2 (shaped by --width, --heads, --vocab) or llama (SmolLM2-135M's shape; only --layers changes it).",
            DefaultValueFactory = _ => "gpt2",
        };
        modelType.AcceptOnlyFromAmong(SmolLm2Shape.ModelTypes);
        var checkpoint = new Option<bool>("--checkpoint") { Description = "Activation checkpointing: recompute each block in the backward pass." };
        var loraRank = new Option<int>("--lora-rank") { Description = "Train rank-r LoRA adapters on every projection over the frozen model (0 = full fine-tuning).", DefaultValueFactory = _ => 0 };
        var command = new Command("train-step", "Time forward + backward + AdamW of a GPT-2 or Llama model (compare with bench/pytorch/train_step.py).")
            { steps, batch, context, width, layers, heads, vocab, modelType, checkpoint, loraRank };
        command.SetAction(parse =>
        {
            int t = parse.GetValue(context);
            ICausalLanguageModel model = parse.GetValue(modelType) == "llama"
                ? new LlamaModel(SmolLm2Shape.Config(parse.GetValue(layers) ?? SmolLm2Shape.Layers, t), seed: 1)
                : new Gpt2Model(new Gpt2Config(parse.GetValue(vocab), t, parse.GetValue(width), parse.GetValue(layers) ?? 4, parse.GetValue(heads)).Validate(), seed: 1);
            model.CheckpointBlocks = parse.GetValue(checkpoint);
            var result = Run(model, parse.GetValue(batch), t, parse.GetValue(steps), LoraBenchAdapters.Trainable(model, parse.GetValue(loraRank)));
            parse.InvocationConfiguration.Output.WriteLine(result);
            return 0;
        });
        return command;
    }

    internal static string Run(ICausalLanguageModel model, int batch, int t, int steps, IReadOnlyList<Tensor>? trainable = null)
    {
        int v = model.VocabSize;
        var optimizer = new AdamW(trainable ?? model.Parameters.Select(p => p.Value).ToList(), new AdamWOptions { LearningRate = 1e-4 });
        var rng = new Rng(2);
        var ids = Enumerable.Range(0, batch * t).Select(_ => rng.NextInt(v)).ToArray();
        var targets = ids.Skip(1).Append(0).ToArray();
        var times = new List<double>();
        double loss = 0;
        for (int s = 0; s < steps + 2; s++)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = new TensorScope())
            {
                var logits = model.Forward(ids, batch, t);                          // (B, T, V)
                var l = Tensor.CrossEntropy(logits.Reshape(batch * t, v), targets); // mean NLL
                loss = l.Item();
                l.Backward();
                optimizer.Step();
                optimizer.ZeroGrad();
            }
            if (s >= 2) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        double median = times[times.Count / 2];
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"rebel\",\"median_ms\":{median:F1},\"peak_rss_mb\":{peak / 1048576.0:F1},\"loss\":{loss:F4},\"steps\":{steps},\"model_type\":\"{model.ModelType}\",\"checkpoint\":{(model.CheckpointBlocks ? "true" : "false")}}}");
    }
}
