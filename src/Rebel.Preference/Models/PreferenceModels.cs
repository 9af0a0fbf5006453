using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Tensors;
using Rebel.Tensors.IO;

namespace Rebel.Preference.Models;

/// <summary>Builds fresh preference models (<see cref="Create"/>) and loads trained ones saved by <see cref="NeuralPreferenceModel.Save"/>.</summary>
public static class PreferenceModels
{
    /// <summary>
    /// A fresh model as <paramref name="options"/> describe it, initialised from <paramref name="rng"/> (the encoder
    /// first, then the head). A <c>transformer:DIR</c> (or <c>gpt2:DIR</c>) encoder loads its backbone from DIR.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options, or a backbone that does not load (the message names it).</exception>
    public static NeuralPreferenceModel Create(PreferenceModelOptions options, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        options.Validate();
        ICompletionEncoder encoder;
        if (options.BackboneDirectory is { } backbone)
        {
            try
            {
                encoder = TransformerCompletionEncoder.Load(backbone, options.Transformer);
            }
            catch (Rebel.Models.Gpt2.ModelFormatException e)
            {
                throw new ArgumentException($"encoder {options.Encoder}: {e.Message}", e);
            }
        }
        else
        {
            encoder = new HashedFeatureEncoder(options.Features, rng);
        }
        return options.Kind == GeneralPreferenceModel.KindName
            ? new GeneralPreferenceModel(encoder, options.Blocks, options.Temperature, rng)
            : new BradleyTerryRewardModel(encoder, rng);
    }

    /// <summary>
    /// Reads <c>DIR/config.json</c> (kind <c>bt</c> or <c>gpm</c>, encoder <c>features</c> or <c>transformer</c> — also
    /// read under its former name <c>gpt2</c> —, head), the encoder's own files (a transformer encoder's <c>DIR/backbone/</c>) and <c>DIR/model.safetensors</c>, and returns the
    /// model with its weights.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">The config or the weights file is missing.</exception>
    /// <exception cref="InvalidDataException">The config is malformed or names an unknown kind or encoder, or a tensor is
    /// missing or has the wrong shape (the message names the file).</exception>
    public static NeuralPreferenceModel Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"preference model directory not found: {directory}");
        var configPath = Path.Combine(directory, NeuralPreferenceModel.ConfigFile);
        var weightsPath = Path.Combine(directory, NeuralPreferenceModel.WeightsFile);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"{configPath} not found (is {directory} a preference model directory?)", configPath);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"{weightsPath} not found", weightsPath);

        JsonObject config;
        try
        {
            config = JsonNode.Parse(File.ReadAllText(configPath))?.AsObject() ?? throw new InvalidDataException($"{configPath}: the config is null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{configPath}: not a JSON object ({e.Message})", e);
        }

        try
        {
            var model = Build(config, directory);
            using var file = SafeTensorsFile.Open(weightsPath);
            model.LoadWeights(file);
            return model;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or Rebel.Models.Gpt2.ModelFormatException)
        {
            throw new InvalidDataException($"{configPath}: {e.Message}", e);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(directory, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{configPath}: {e.Message}", e);
        }
    }

    private static NeuralPreferenceModel Build(JsonObject config, string directory)
    {
        if (config["encoder"] is null && config["model_type"] is JsonValue modelType)
            throw new InvalidDataException($"{directory} holds a {modelType} language model, not a preference model (train one with `rebel preference train --out DIR`)");
        var encoderConfig = config["encoder"] as JsonObject ?? throw new InvalidDataException("the config lacks an \"encoder\" object");
        var head = config["head"] as JsonObject ?? throw new InvalidDataException("the config lacks a \"head\" object");
        string encoderType = (string?)encoderConfig["type"] ?? throw new InvalidDataException("the encoder config lacks \"type\"");
        ICompletionEncoder encoder = encoderType switch
        {
            HashedFeatureEncoder.TypeName => HashedFeatureEncoder.FromConfig(encoderConfig),
            TransformerCompletionEncoder.TypeName or TransformerCompletionEncoder.LegacyTypeName => TransformerCompletionEncoder.FromConfig(encoderConfig, directory),
            _ => throw new InvalidDataException($"unknown encoder type \"{encoderType}\" (known: {HashedFeatureEncoder.TypeName}, {TransformerCompletionEncoder.TypeName})"),
        };
        string kind = (string?)config["kind"] ?? throw new InvalidDataException("the config lacks \"kind\"");
        return kind switch
        {
            BradleyTerryRewardModel.KindName => new BradleyTerryRewardModel(encoder, new Rng(0)),
            GeneralPreferenceModel.KindName => new GeneralPreferenceModel(encoder,
                (int?)head["blocks"] ?? throw new InvalidDataException("the gpm head lacks \"blocks\""),
                (double?)head["tau"] ?? throw new InvalidDataException("the gpm head lacks \"tau\""), new Rng(0)),
            _ => throw new InvalidDataException($"unknown model kind \"{kind}\" (known: {BradleyTerryRewardModel.KindName}, {GeneralPreferenceModel.KindName})"),
        };
    }
}
