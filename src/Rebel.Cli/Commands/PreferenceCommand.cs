using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Rebel.Models.Data;
using Rebel.Models.Gpt2;
using Rebel.Models.Prompts;
using Rebel.Preference.Data;
using Rebel.Preference.Evaluation;
using Rebel.Preference.Models;
using Rebel.Preference.Training;
using Rebel.Tensors;

namespace Rebel.Cli.Commands;

/// <summary>
/// <c>rebel preference train --data FILE.jsonl --model-type bt|gpm --out DIR</c> fits a preference model on the
/// training side of a deterministic split and prints held-out metrics; <c>rebel preference eval --model DIR --data FILE.jsonl</c>
/// prints accuracy, log-loss, ECE and the cyclic-triple share (as JSON with <c>--json</c>).
/// </summary>
internal static class PreferenceCommand
{
    /// <summary>What <c>train</c> needs.</summary>
    internal sealed record TrainOptions(string Data, string ModelType, string Encoder, string Out, int Blocks, double Temperature,
        int Buckets, int Hidden, double ValidationFraction, PreferenceTrainingOptions Training, string Pooling = "last", int MaxTokens = 0,
        string? Columns = null);

    /// <summary>
    /// A preference model reads text, with no chat template of its own: conversational prompts are read as their
    /// ChatML rendering (docs/data.md).
    /// </summary>
    private static readonly ChatMlPromptRenderer Conversations = new([]);

    public static Command Create()
    {
        var command = new Command("preference", "Train and evaluate neural preference models (Bradley–Terry or general/skew-symmetric).");
        command.Subcommands.Add(CreateTrain());
        command.Subcommands.Add(CreateEval());
        return command;
    }

    private static Command CreateTrain()
    {
        var data = new Option<FileInfo>("--data") { Description = "Preference data, JSONL or Parquet (a file, folder or glob): {prompt,chosen,rejected} (text or messages) or {prompt,a,b,p}.", Required = true };
        var columns = ColumnsOption.Create();
        var type = new Option<string>("--model-type") { Description = "bt (Bradley–Terry reward) or gpm (general preference model).", Required = true };
        var encoder = new Option<string>("--encoder")
        {
            Description = "Text encoder: features (hashed words/bigrams + MLP) or gpt2:DIR (a Hugging Face-layout GPT-2 directory with tokenizer, fine-tuned).",
            DefaultValueFactory = _ => "features",
        };
        var pooling = new Option<string>("--pooling") { Description = "gpt2: last (hidden state at the last token, default) or mean.", DefaultValueFactory = _ => "last" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "gpt2: most tokens per prompt + completion, keeping the end (default 0 = context length).", DefaultValueFactory = _ => 0 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for config.json and model.safetensors.", Required = true };
        var blocks = new Option<int>("--blocks") { Description = "gpm: k, the number of 2×2 skew blocks (default 4).", DefaultValueFactory = _ => 4 };
        var tau = new Option<double>("--tau") { Description = "gpm: τ, the temperature (default 1).", DefaultValueFactory = _ => 1.0 };
        var buckets = new Option<int>("--buckets") { Description = "features: hash buckets F (default 2048).", DefaultValueFactory = _ => 2048 };
        var hidden = new Option<int>("--hidden") { Description = "features: hidden width D (default 64).", DefaultValueFactory = _ => 64 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training side (default 20).", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch-size") { Description = "Comparisons per minibatch (default 32).", DefaultValueFactory = _ => 32 };
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate η (default 3e-3).", DefaultValueFactory = _ => 3e-3 };
        var validation = new Option<double>("--validation-fraction") { Description = "Share of prompts held out (default 0.1).", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of initialisation, split and minibatch order (default 0).", DefaultValueFactory = _ => 0UL };
        var command = new Command("train", "Fit a preference model to a JSONL file; prints held-out metrics.")
            { data, type, encoder, pooling, maxTokens, output, blocks, tau, buckets, hidden, epochs, batch, lr, validation, seed, columns };
        command.SetAction(parse =>
        {
            var options = new TrainOptions(parse.GetValue(data)!.FullName, parse.GetValue(type)!, parse.GetValue(encoder)!, parse.GetValue(output)!.FullName,
                parse.GetValue(blocks), parse.GetValue(tau), parse.GetValue(buckets), parse.GetValue(hidden), parse.GetValue(validation),
                new PreferenceTrainingOptions { Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr), Seed = parse.GetValue(seed) },
                parse.GetValue(pooling)!, parse.GetValue(maxTokens), parse.GetValue(columns));
            return Train(options, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        });
        return command;
    }

    private static Command CreateEval()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A directory written by rebel preference train.", Required = true };
        var data = new Option<FileInfo>("--data") { Description = "Preference data to evaluate on (every record), JSONL or Parquet.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the metrics as one JSON object." };
        var columns = ColumnsOption.Create();
        var command = new Command("eval", "Evaluate a preference model: accuracy, log-loss, ECE, cyclic-triple share.") { model, data, json, columns };
        command.SetAction(parse => Eval(parse.GetValue(model)!.FullName, parse.GetValue(data)!.FullName, parse.GetValue(json),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(columns)));
        return command;
    }

    /// <summary>Runs <c>train</c>; 0 on success, 1 on bad input (reason on <paramref name="error"/>).</summary>
    internal static int Train(TrainOptions o, TextWriter output, TextWriter error)
    {
        try
        {
            o.Training.Validate();
            var rng = new Rng(o.Training.Seed);
            var encoder = CreateEncoder(o, rng);
            NeuralPreferenceModel model = o.ModelType switch
            {
                BradleyTerryRewardModel.KindName => new BradleyTerryRewardModel(encoder, rng),
                GeneralPreferenceModel.KindName => new GeneralPreferenceModel(encoder, o.Blocks, o.Temperature, rng),
                _ => throw new ArgumentException($"--model-type \"{o.ModelType}\" is not known (use bt or gpm)"),
            };
            var (train, validation) = new PreferenceSplit(o.ValidationFraction, o.Training.Seed).Apply(PreferenceDataset.Read(o.Data, Conversations, ColumnMapping.Parse(o.Columns)));
            if (train.Count == 0) throw new ArgumentException($"{o.Data}: no records fall on the training side of the split");
            PreferenceTrainer.Fit(model, train, o.Training, line => output.WriteLine(line));
            model.Save(o.Out);
            output.WriteLine($"saved {model.Name} to {o.Out} ({train.Count} training records)");
            if (validation.Count > 0) Print(PreferenceEvaluator.Evaluate(model, validation), "eval/validation", json: false, output);
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or DataFormatException or IOException or InvalidDataException)
        {
            error.WriteLine(ErrorText.Of(e));
            return 1;
        }
    }

    /// <summary>The encoder named by <c>--encoder</c>: <c>features</c>, or <c>gpt2:DIR</c> (a GPT-2 checkpoint with its tokenizer).</summary>
    private static ICompletionEncoder CreateEncoder(TrainOptions o, Rng rng)
    {
        const string gpt2Prefix = Gpt2CompletionEncoder.TypeName + ":";
        if (o.Encoder == HashedFeatureEncoder.TypeName)
            return new HashedFeatureEncoder(new HashedFeatureEncoderOptions { Buckets = o.Buckets, Hidden = o.Hidden }, rng);
        if (o.Encoder.StartsWith(gpt2Prefix, StringComparison.Ordinal) && o.Encoder.Length > gpt2Prefix.Length)
        {
            var options = new Gpt2CompletionEncoderOptions { Pooling = Gpt2CompletionEncoder.ParsePooling(o.Pooling), MaxTokens = o.MaxTokens };
            try
            {
                return Gpt2CompletionEncoder.Load(o.Encoder[gpt2Prefix.Length..], options.Validate());
            }
            catch (ModelFormatException e)
            {
                throw new ArgumentException($"--encoder {o.Encoder}: {ErrorText.Of(e)}", e);
            }
        }
        throw new ArgumentException($"--encoder \"{o.Encoder}\" is not known (available: {HashedFeatureEncoder.TypeName}, {gpt2Prefix}DIR)");
    }

    /// <summary>Runs <c>eval</c>; 0 on success, 1 on bad input.</summary>
    internal static int Eval(string modelDirectory, string dataPath, bool json, TextWriter output, TextWriter error, string? columns = null)
    {
        try
        {
            var model = PreferenceModels.Load(modelDirectory);
            var metrics = PreferenceEvaluator.Evaluate(model, PreferenceDataset.Read(dataPath, Conversations, ColumnMapping.Parse(columns)).ToList());
            Print(metrics, "eval", json, output);
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or DataFormatException or IOException or InvalidDataException)
        {
            error.WriteLine(ErrorText.Of(e));
            return 1;
        }
    }

    private static void Print(PreferenceMetrics m, string prefix, bool json, TextWriter output)
    {
        var values = new Dictionary<string, double>
        {
            ["count"] = m.Count,
            ["accuracy"] = m.Accuracy,
            ["log_loss"] = m.LogLoss,
            ["ece"] = m.ExpectedCalibrationError,
            ["cyclic_triple_share"] = m.CyclicTripleShare,
            ["triples"] = m.Triples,
        };
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(values.ToDictionary(kv => kv.Key, kv => double.IsNaN(kv.Value) ? (double?)null : kv.Value)));
            return;
        }
        foreach (var (key, value) in values)
            output.WriteLine($"{prefix}/{key} {value.ToString("G6", CultureInfo.InvariantCulture)}");
    }
}
