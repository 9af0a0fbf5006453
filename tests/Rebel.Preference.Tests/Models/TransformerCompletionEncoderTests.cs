using Rebel.Models;
using Rebel.Models.Gpt2;
using Rebel.Models.Llama;
using Rebel.Models.Tokenization;
using Rebel.Preference.Data;
using Rebel.Preference.Evaluation;
using Rebel.Preference.Models;
using Rebel.Preference.Tests.Training;
using Rebel.Preference.Training;
using Rebel.Tensors;

namespace Rebel.Preference.Tests.Models;

public class TransformerCompletionEncoderTests
{
    private static readonly Lazy<HuggingFaceTokenizer> Tokenizer = new(() =>
    {
        // A small byte-level BPE trained on the words of the cyclic dataset and its prompts.
        var corpus = CyclicPreferenceData.Generate(40, seed: 99).SelectMany(r => new[] { r.Prompt, r.A, r.B }).ToList();
        return BpeTrainer.Train(corpus, new BpeTrainerOptions { VocabSize = 320 });
    });

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-gpt2-encoder-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>A tiny randomly initialised GPT-2 whose vocabulary is the tokenizer's.</summary>
    private static Gpt2Model Backbone(ulong seed, int width = 32, int layers = 2, int context = 64) =>
        new(new Gpt2Config(Tokenizer.Value.VocabSize, context, width, layers, Heads: 2, EosTokenId: Tokenizer.Value.EosId), seed);

    /// <summary>A tiny randomly initialised Llama (GQA 4/2, q/k/v biases of qwen2, untied head) over the same tokenizer.</summary>
    private static LlamaModel LlamaBackbone(ulong seed) =>
        new(LlamaConfig.Create(LlamaFamily.Qwen2, Tokenizer.Value.VocabSize, hiddenSize: 32, intermediateSize: 48, layers: 2, heads: 4, kvHeads: 2,
            maxPositions: 64) with { EosTokenIds = [Tokenizer.Value.EosId!.Value] }, seed);

    private static ICausalLanguageModel Backbone(string family, ulong seed) => family == "llama" ? LlamaBackbone(seed) : Backbone(seed);

    private static TransformerCompletionEncoder Encoder(ulong seed, TokenPooling pooling = TokenPooling.LastToken, int maxTokens = 0, string family = "gpt2") =>
        new(Backbone(family, seed), Tokenizer.Value, new TransformerCompletionEncoderOptions { Pooling = pooling, MaxTokens = maxTokens });

    private static readonly (string, string)[] Items =
    [
        ("tell me about", "river stone cloud"),
        ("write", "engine"),
        ("", "violin melody rhythm chorus drum harmony"),
        ("describe something please", ""),
    ];

    [TestCase(TokenPooling.LastToken, "gpt2")]
    [TestCase(TokenPooling.Mean, "gpt2")]
    [TestCase(TokenPooling.LastToken, "llama")]
    [TestCase(TokenPooling.Mean, "llama")]
    public void Encode_PaddedBatch_GivesEachItemItsOwnPooledHiddenState(TokenPooling pooling, string family)
    {
        var encoder = Encoder(1, pooling, family: family);
        float[] batch;
        using (Tensor.NoGrad()) batch = encoder.Encode(Items).ToArray();
        int c = encoder.Dimension;
        Assert.That(batch, Has.Length.EqualTo(Items.Length * c));
        for (int i = 0; i < Items.Length; i++)
        {
            var ids = encoder.Tokens(Items[i].Item1, Items[i].Item2);
            Assert.That(ids[^1], Is.EqualTo(Tokenizer.Value.EosId), "EOS is appended");
            float[] hidden;
            using (Tensor.NoGrad()) hidden = encoder.Backbone.Hidden(ids, 1, ids.Length).ToArray();   // (1, T, C), alone
            var expected = new double[c];
            for (int e = 0; e < c; e++)
                expected[e] = pooling == TokenPooling.LastToken
                    ? hidden[(ids.Length - 1) * c + e]
                    : Enumerable.Range(0, ids.Length).Average(t => (double)hidden[t * c + e]);
            for (int e = 0; e < c; e++)
                Assert.That(batch[i * c + e], Is.EqualTo(expected[e]).Within(1e-4), $"item {i}, channel {e}");
        }
        // The training path (padded batch through the autograd forward) gives the same vectors.
        var recorded = encoder.Encode(Items).ToArray();
        Assert.That(recorded, Is.EqualTo(batch).Within(1e-4));
        // Different items really get different vectors.
        Assert.That(batch.AsSpan(0, c).SequenceEqual(batch.AsSpan(c, c)), Is.False);
    }

    [Test]
    public void Tokens_TooLong_KeepsTheEnd_AndEmptyTextStillHasAToken()
    {
        var encoder = Encoder(1, maxTokens: 5);
        var full = Encoder(1).Tokens("tell me about", "river stone cloud forest meadow valley");
        var cut = encoder.Tokens("tell me about", "river stone cloud forest meadow valley");
        Assert.That(full, Has.Length.GreaterThan(5));
        Assert.That(cut, Is.EqualTo(full[^5..]));
        var noEos = new TransformerCompletionEncoder(Backbone(1), Tokenizer.Value, new TransformerCompletionEncoderOptions { AppendEos = false });
        Assert.That(noEos.Tokens("", ""), Is.EqualTo(new[] { Tokenizer.Value.EosId!.Value })); // the backbone's EOS stands in
    }

    [Test]
    public void Logits_GradientMatchesFiniteDifferences_ThroughTheBackbone()
    {
        // L = soft-label cross-entropy of a GPM over the GPT-2 encoder; compare ∂L/∂θ·u with (L(θ + hu) − L(θ − hu)) / 2h
        // along a random direction u over every parameter (backbone and head), in float32.
        var model = new GeneralPreferenceModel(Encoder(3, maxTokens: 12), blocks: 2, temperature: 1.0, new Rng(4));
        var comparisons = new List<Comparison> { new("tell me", "river stone", "engine gear bolt"), new("write", "violin", "cloud forest") };
        var labels = Tensor.FromArray([1f, 0.25f], 2);
        var complement = Tensor.FromArray([0f, 0.75f], 2);
        Tensor Loss()
        {
            var z = model.Logits(comparisons);
            return -(z.LogSigmoid() * labels + (-z).LogSigmoid() * complement).Mean();
        }

        foreach (var p in model.Parameters) p.ZeroGrad();
        Loss().Backward();
        var rng = new Rng(5);
        var directions = model.Parameters.Select(p => { var u = new float[p.Size]; rng.FillUniform(u, -1f, 1f); return u; }).ToList();
        double norm = Math.Sqrt(directions.Sum(u => u.Sum(x => (double)x * x)));
        foreach (var u in directions) for (int i = 0; i < u.Length; i++) u[i] = (float)(u[i] / norm);   // ‖u‖ = 1
        double analytic = 0;
        for (int k = 0; k < directions.Count; k++)
        {
            var g = model.Parameters[k].Grad!.ToArray();
            for (int i = 0; i < g.Length; i++) analytic += (double)g[i] * directions[k][i];
        }

        const float h = 1e-2f;
        double Shifted(float scale)
        {
            for (int k = 0; k < directions.Count; k++)
            {
                var values = model.Parameters[k].AsSpan();
                for (int i = 0; i < values.Length; i++) values[i] += scale * directions[k][i];
            }
            using var noGrad = Tensor.NoGrad();
            return Loss().Item();
        }
        double up = Shifted(h), down = Shifted(-2 * h);
        Shifted(h); // restore θ
        double numeric = (up - down) / (2 * h);
        TestContext.Out.WriteLine($"directional derivative: analytic {analytic:G6}, numeric {numeric:G6}");
        Assert.That(Math.Abs(analytic), Is.GreaterThan(1e-3), "the gradient reaches the parameters");
        Assert.That(numeric, Is.EqualTo(analytic).Within(2e-2 * Math.Abs(analytic)));
    }

    [TestCase("gpt2", 0.9, 0.75)]
    [TestCase("llama", 0.8, 0.5)]   // fits the training side faster (loss 0.687 → 0.000) and generalizes a little less: 0.83 held out
    public void Fit_GeneralModel_LearnsTheRockPaperScissorsCycle(string family, double minAccuracy, double minCyclicShare)
    {
        // A randomly initialised backbone, trained end to end. Mean pooling: from scratch the last token would first have
        // to learn to attend to the words (with last-token pooling the loss stays near ln 2 for these 8 epochs).
        var (train, validation) = new PreferenceSplit(0.25, seed: 7).Apply(CyclicPreferenceData.Generate(40, seed: 1));
        var model = new GeneralPreferenceModel(Encoder(11, TokenPooling.Mean, maxTokens: 24, family: family), blocks: 2, temperature: 1.0, new Rng(12));
        var before = PreferenceEvaluator.Evaluate(model, validation);
        var losses = PreferenceTrainer.Fit(model, train, new PreferenceTrainingOptions { Epochs = 8, BatchSize = 16, LearningRate = 1e-3, Seed = 3 });
        var after = PreferenceEvaluator.Evaluate(model, validation);
        TestContext.Out.WriteLine($"losses {string.Join(", ", losses.Select(l => l.ToString("F3")))}; held-out before {before}; after {after}");
        Assert.That(before.Accuracy, Is.LessThan(0.7));
        Assert.That(losses[^1], Is.LessThan(0.2 * losses[0]));
        Assert.That(after.Accuracy, Is.GreaterThanOrEqualTo(minAccuracy));
        Assert.That(after.CyclicTripleShare, Is.GreaterThanOrEqualTo(minCyclicShare)); // a transitive model would give 0
    }

    [TestCase("gpt2")]
    [TestCase("llama")]
    public void SaveLoad_RoundTrip_KeepsTheBackboneTokenizerAndPredictions(string family)
    {
        var model = new BradleyTerryRewardModel(Encoder(5, TokenPooling.Mean, maxTokens: 20, family: family), new Rng(6));
        model.Save(_dir);
        Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "config.json", "model.safetensors" }));
        Assert.That(File.Exists(Path.Combine(_dir, "backbone", "config.json")), Is.True);
        Assert.That(File.ReadAllText(Path.Combine(_dir, "config.json")), Does.Contain("\"transformer\"").And.Contain("\"mean\""));

        var loaded = PreferenceModels.Load(_dir);
        Assert.That(((TransformerCompletionEncoder)loaded.Encoder).Backbone.ModelType, Is.EqualTo(family == "llama" ? "qwen2" : "gpt2"));
        var encoder = (TransformerCompletionEncoder)loaded.Encoder;
        Assert.That(encoder.Options, Is.EqualTo(((TransformerCompletionEncoder)model.Encoder).Options));
        var questions = new List<Comparison> { new("tell me", "river stone", "engine gear"), new("", "violin", "song drum") };
        Assert.That(loaded.PreferenceProbabilities(questions), Is.EqualTo(model.PreferenceProbabilities(questions)));

        Directory.Delete(Path.Combine(_dir, "backbone"), recursive: true);
        Assert.That(() => PreferenceModels.Load(_dir), Throws.TypeOf<InvalidDataException>().With.Message.Contains("backbone"));
    }

    [Test]
    public void Load_LlamaFolder_EncodesWithItsHiddenStates_AndAModelSavedAsGpt2TypeStillLoads()
    {
        var folder = Path.Combine(_dir, "llama");
        var backbone = LlamaBackbone(8);
        ModelFolder.Save(folder, backbone, Tokenizer.Value);
        var encoder = TransformerCompletionEncoder.Load(folder);
        Assert.That((encoder.Backbone.ModelType, encoder.Dimension), Is.EqualTo(("qwen2", 32)));
        var ids = encoder.Tokens("tell me", "river stone");
        float[] pooled, hidden;
        using (Tensor.NoGrad())
        {
            pooled = encoder.Encode([("tell me", "river stone")]).ToArray();
            hidden = backbone.Hidden(ids, 1, ids.Length).ToArray();
        }
        Assert.That(pooled, Is.EqualTo(hidden[^32..]).Within(1e-4), "the last token's final hidden state of the loaded weights");

        // A preference model saved when this encoder's type was written "gpt2" loads the same.
        var saved = Path.Combine(_dir, "pm");
        var model = new BradleyTerryRewardModel(Encoder(5), new Rng(6));
        model.Save(saved);
        var configPath = Path.Combine(saved, "config.json");
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"transformer\"", "\"gpt2\""));
        var questions = new List<Comparison> { new("tell me", "river stone", "engine gear") };
        Assert.That(PreferenceModels.Load(saved).PreferenceProbabilities(questions), Is.EqualTo(model.PreferenceProbabilities(questions)));
    }

    [Test]
    public void Constructor_And_Load_RejectBadInput()
    {
        var small = new Gpt2Model(new Gpt2Config(100, 16, 8, 1, 2), seed: 1);
        Assert.That(() => new TransformerCompletionEncoder(small, Tokenizer.Value),
            Throws.ArgumentException.With.Message.Contains("100"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransformerCompletionEncoder(Backbone(1), Tokenizer.Value, new TransformerCompletionEncoderOptions { MaxTokens = -1 }));
        Assert.Throws<ArgumentException>(() => TransformerCompletionEncoder.ParsePooling("max"));
        Assert.Throws<ArgumentException>(() => Encoder(1).Encode([]));

        // A model directory without tokenizer files cannot feed text.
        Gpt2Checkpoint.Save(Path.Combine(_dir, "ids-only"), Backbone(1), tokenizer: null);
        Assert.That(() => TransformerCompletionEncoder.Load(Path.Combine(_dir, "ids-only")), Throws.ArgumentException.With.Message.Contains("tokenizer"));
        ModelFolder.Save(Path.Combine(_dir, "llama-ids-only"), LlamaBackbone(1), tokenizer: null);
        Assert.That(() => TransformerCompletionEncoder.Load(Path.Combine(_dir, "llama-ids-only")), Throws.ArgumentException.With.Message.Contains("tokenizer"));
    }
}
