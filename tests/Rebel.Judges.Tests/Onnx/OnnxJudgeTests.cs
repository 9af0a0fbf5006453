using System.Text.Json;
using System.Text.Json.Nodes;
using Rebel.Judges.Onnx;
using Rebel.Judges.Spec;
using Rebel.Models.Tokenization;
using Rebel.Preference;

namespace Rebel.Judges.Tests.Onnx;

/// <summary>
/// The three exported judges of tools/make_onnx_judge_fixtures.py against the outputs PyTorch gave for the same ids.
/// </summary>
public class OnnxJudgeTests
{
    private const double Tolerance = 1e-4;
    private static readonly string Root = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "onnx");
    private static readonly Lazy<JsonObject> Expected = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "expected.json")))!.AsObject());

    private static JsonArray Items(string judge) => Expected.Value[judge]!["items"]!.AsArray();

    private static double[] Numbers(string judge, string key) =>
        Expected.Value[judge]![key]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();

    [Test]
    public void Reward_MinimalJudgeJson_ScoresAgreeWithPyTorch()
    {
        using var judge = OnnxJudge.Load(Path.Combine(Root, "reward"));
        Assert.That(judge.Options.Kind, Is.EqualTo(OnnxJudgeKind.Reward));
        var items = Items("reward").Select(i => (i!["prompt"]!.GetValue<string>(), i["completion"]!.GetValue<string>())).ToList();
        var scores = judge.Scores(items);
        var expected = Numbers("reward", "scores");
        Assert.That(scores, Has.Length.EqualTo(expected.Length));
        for (int i = 0; i < scores.Length; i++)
            Assert.That(scores[i], Is.EqualTo(expected[i]).Within(Tolerance), $"item {i}");
        Assert.That(judge.TruncatedInputs, Is.Zero);
    }

    [Test]
    public void Reward_TokenizerGivesTheIdsPyTorchRead()
    {
        var tokenizer = TokenizerFiles.Load(Path.Combine(Root, "reward"));
        foreach (var item in Items("reward").Concat(Items("pairwise")))
            Assert.That(tokenizer.Encode(item!["text"]!.GetValue<string>()),
                Is.EqualTo(item["ids"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray()), item["text"]!.GetValue<string>());
    }

    [Test]
    public async Task Reward_VerdictIsSigmoidOfPyTorchScoreDifference()
    {
        using var judge = OnnxJudge.Load(Path.Combine(Root, "reward"));
        var items = Items("reward");
        var s = Numbers("reward", "scores");
        // items 0..2 share the first prompt
        string prompt = items[0]!["prompt"]!.GetValue<string>();
        string c0 = items[0]!["completion"]!.GetValue<string>(), c1 = items[1]!["completion"]!.GetValue<string>();
        var v = await judge.JudgeAsync([new Comparison(prompt, c0, c1), new Comparison(prompt, c1, c0)]);
        Assert.That(v[0].P, Is.EqualTo(1 / (1 + Math.Exp(-(s[0] - s[1])))).Within(Tolerance));
        Assert.That(v[0].P + v[1].P, Is.EqualTo(1.0).Within(1e-12), "a reward judge is exactly skew-symmetric");
        Assert.That(v[0].Rationale, Does.Contain("s_a = ").And.Not.Contain("truncated"));
    }

    [Test]
    public async Task Pairwise_LogitsAgreeWithPyTorch_AndVerdictsAreSymmetrised()
    {
        using var judge = OnnxJudge.Load(Path.Combine(Root, "pairwise"));
        var items = Items("pairwise");
        var comparisons = items.Select(i => new Comparison(i!["prompt"]!.GetValue<string>(), i["a"]!.GetValue<string>(), i["b"]!.GetValue<string>())).ToList();
        var z = Numbers("pairwise", "logits");
        var logits = judge.Logits(comparisons);
        for (int i = 0; i < z.Length; i++) Assert.That(logits[i], Is.EqualTo(z[i]).Within(Tolerance), $"logit {i}");

        var verdicts = await judge.JudgeAsync(comparisons);
        for (int i = 0; i < comparisons.Count; i++)
        {
            int swapped = comparisons.FindIndex(c => c == comparisons[i].Swapped());
            double expected = 0.5 * (Sigmoid(z[i]) + 1 - Sigmoid(z[swapped]));
            Assert.That(verdicts[i].P, Is.EqualTo(expected).Within(Tolerance), $"verdict {i}");
            Assert.That(verdicts[i].P + verdicts[swapped].P, Is.EqualTo(1.0).Within(1e-9), "symmetrised verdicts are skew-symmetric");
        }
    }

    [Test]
    public async Task Pairwise_WithoutSymmetrize_IsSigmoidOfOneOrder()
    {
        using var folder = CopyFixture("pairwise", json => json["symmetrize"] = false);
        using var judge = OnnxJudge.Load(folder.Path);
        var first = Items("pairwise")[0]!;
        var v = await judge.JudgeAsync([new Comparison(first["prompt"]!.GetValue<string>(), first["a"]!.GetValue<string>(), first["b"]!.GetValue<string>())]);
        Assert.That(v[0].P, Is.EqualTo(Sigmoid(Numbers("pairwise", "logits")[0])).Within(Tolerance));
    }

    [Test]
    public void Chat_ConversationTemplateAndLeftTruncation_AgreeWithPyTorch()
    {
        using var judge = OnnxJudge.Load(Path.Combine(Root, "chat"));
        var items = Items("chat");
        var scores = judge.Scores(items.Select(i => (i!["prompt"]!.GetValue<string>(), i["completion"]!.GetValue<string>())).ToList());
        var expected = Numbers("chat", "scores");
        for (int i = 0; i < scores.Length; i++) Assert.That(scores[i], Is.EqualTo(expected[i]).Within(Tolerance), $"item {i}");
        int cut = items.Count(i => i!["truncated"]!.GetValue<bool>());
        Assert.That(cut, Is.GreaterThan(0), "the fixture exercises truncation");
        Assert.That(judge.TruncatedInputs, Is.EqualTo(cut));
    }

    [Test]
    public async Task Truncation_CutsThePromptFromTheLeft_AndSaysSoInTheVerdict()
    {
        using var folder = CopyFixture("reward", json => json["max_length"] = 20);
        using var shortJudge = OnnxJudge.Load(folder.Path);
        using var fullJudge = OnnxJudge.Load(Path.Combine(Root, "reward"));
        const string prompt = "Write about apple and wagon.", completion = "apple, wagon.";  // 28 + 13 one-byte tokens
        var cutScore = shortJudge.Scores([(prompt, completion)])[0];
        Assert.That(cutScore, Is.Not.EqualTo(fullJudge.Scores([(prompt, completion)])[0]).Within(1e-9));
        Assert.That(cutScore, Is.EqualTo(fullJudge.Scores([(" wagon.", completion)])[0]).Within(1e-9),
            "the longest suffix of the prompt that fits: 7 + 13 = 20 tokens");
        var v = await shortJudge.JudgeAsync([new Comparison(prompt, completion, "a")]);
        Assert.That(v[0].Rationale, Does.Contain("2 input(s) truncated"), "both (prompt, completion) rows are over 20 tokens");
        Assert.That(shortJudge.TruncatedInputs, Is.EqualTo(3));
    }

    [Test]
    public void NonFiniteOutput_RaisesInsteadOfAHalf()
    {
        using var judge = OnnxJudge.Load(Path.Combine(Root, "nan"));
        var e = Assert.ThrowsAsync<JudgeException>(() => judge.JudgeAsync([new Comparison("p", "a", "b")]));
        Assert.That(e!.Message, Does.Contain("non-finite").And.Contain(judge.Id));
    }

    [Test]
    public void MissingJudgeJsonOrModel_IsAClearError()
    {
        using (var folder = CopyFixture("reward"))
        {
            File.Delete(Path.Combine(folder.Path, "judge.json"));
            var e = Assert.Throws<FileNotFoundException>(() => OnnxJudge.Load(folder.Path));
            Assert.That(e!.Message, Does.Contain("judge.json"));
        }
        using (var folder = CopyFixture("reward"))
        {
            File.Delete(Path.Combine(folder.Path, "model.onnx"));
            var e = Assert.Throws<FileNotFoundException>(() => OnnxJudge.Load(folder.Path));
            Assert.That(e!.Message, Does.Contain("model.onnx"));
        }
    }

    [Test]
    public void WrongInputName_IsRefusedListingTheModelsInputs()
    {
        using var folder = CopyFixture("reward", json => json["input_ids"] = "ids");
        var e = Assert.Throws<InvalidDataException>(() => OnnxJudge.Load(folder.Path));
        Assert.That(e!.Message, Does.Contain("no input \"ids\"").And.Contain("input_ids (int64 [batch, seq])").And.Contain("attention_mask"));
    }

    [Test]
    public void WrongOutputName_IsRefusedListingTheModelsOutputs()
    {
        using var folder = CopyFixture("reward", json => json["output"] = "logits");
        var e = Assert.Throws<InvalidDataException>(() => OnnxJudge.Load(folder.Path));
        Assert.That(e!.Message, Does.Contain("no output \"logits\"").And.Contain("score"));
    }

    [Test]
    public void MissingMaskInput_IsRefusedNamingTheUnfedInput()
    {
        using var folder = CopyFixture("reward", json => json.Remove("attention_mask"));
        var e = Assert.Throws<InvalidDataException>(() => OnnxJudge.Load(folder.Path));
        Assert.That(e!.Message, Does.Contain("also needs input(s) attention_mask"));
    }

    [TestCase("kind", "\"ranker\"", "\"kind\" must be \"reward\" or \"pairwise\"")]
    [TestCase("max_length", "0", "\"max_length\" must be at least 1")]
    [TestCase("template", "\"{prompt}\"", "must contain {completion}")]
    [TestCase("provider", "\"tpu\"", "\"provider\" must be \"cpu\" or \"cuda\"")]
    [TestCase("temprature", "2", "unknown key \"temprature\"")]
    public void BadJudgeJson_NamesTheFileAndKey(string key, string value, string message)
    {
        using var folder = CopyFixture("reward", json => json[key] = JsonNode.Parse(value));
        var e = Assert.Throws<InvalidDataException>(() => OnnxJudge.Load(folder.Path));
        Assert.That(e!.Message, Does.Contain("judge.json").And.Contain(message));
    }

    [Test]
    public void CudaProvider_WhenUnavailable_NamesTheMissingLibraryAndNeverFallsBack()
    {
        using var folder = CopyFixture("reward", json => json["provider"] = "cuda");
        OnnxJudge? judge = null;
        try
        {
            judge = OnnxJudge.Load(folder.Path);
        }
        catch (PlatformNotSupportedException e)
        {
            Assert.That(e.Message, Does.Contain("cuda execution provider is not available").And.Match(@"lib\S+\.so"));
            return;
        }
        finally
        {
            judge?.Dispose();
        }
        Assert.Ignore("the CUDA provider loaded: this machine has the CUDA runtime");
    }

    [Test]
    public void Spec_OnnxDir_IdentifiesTheFolderByContent()
    {
        using var a = CopyFixture("reward");
        using var b = CopyFixture("reward", json => json["temperature"] = 2.0);
        using var judgeA = JudgeSpec.Parse($"onnx:{a.Path}");
        using var judgeA2 = JudgeSpec.Parse($"onnx:{Path.Combine(Root, "reward")}");
        using var judgeB = JudgeSpec.Parse($"onnx:{b.Path}");
        Assert.That(judgeA, Is.TypeOf<OnnxJudge>());
        Assert.That(judgeA.Id, Does.Match("^onnx:[0-9a-f]{16}$"));
        Assert.That(judgeA2.Id, Is.EqualTo(judgeA.Id), "a copy elsewhere is the same judge");
        Assert.That(judgeB.Id, Is.Not.EqualTo(judgeA.Id), "a changed judge.json is another judge");
        var e = Assert.Throws<JudgeSpecException>(() => JudgeSpec.Parse("onnx:/no/such/folder"));
        Assert.That(e!.Message, Does.Contain("not found"));
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>A copy of a fixture folder, with its judge.json edited when <paramref name="edit"/> is given.</summary>
    private static TempDirectory CopyFixture(string name, Action<JsonObject>? edit = null)
    {
        var folder = new TempDirectory();
        foreach (var file in Directory.GetFiles(Path.Combine(Root, name)))
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        if (edit is null) return folder;
        var path = Path.Combine(folder.Path, "judge.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return folder;
    }
}
