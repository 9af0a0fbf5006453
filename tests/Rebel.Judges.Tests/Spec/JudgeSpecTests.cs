using Rebel.Preference;
using Rebel.Judges.Caching;
using Rebel.Judges.Composite;
using Rebel.Judges.Llm;
using Rebel.Judges.Process;
using Rebel.Judges.Rules;
using Rebel.Judges.Spec;

namespace Rebel.Judges.Tests.Spec;

public class JudgeSpecTests
{
    [TestCase("length", typeof(LengthJudge), "length")]
    [TestCase(" length( 30 ) ", typeof(LengthJudge), "length(30)")]
    [TestCase("keywords", typeof(KeywordCoverageJudge), "keywords")]
    [TestCase("keywords( Red|blue )", typeof(KeywordCoverageJudge), "keywords(red|blue)")]
    [TestCase("brevity", typeof(BrevityJudge), "brevity")]
    [TestCase("vote(1.1*keywords,keywords(red|old),1.2*brevity)", typeof(VoteJudge), "vote(1.1*keywords,keywords(red|old),1.2*brevity)")]
    [TestCase("diversity", typeof(DiversityJudge), "diversity")]
    [TestCase("format", typeof(FormatJudge), "format")]
    [TestCase("vote(length,keywords,diversity)", typeof(VoteJudge), "vote(length,keywords,diversity)")]
    [TestCase("vote( 2*length , keywords )", typeof(VoteJudge), "vote(2*length,keywords)")]
    [TestCase("mean(length,vote(keywords,diversity,format))", typeof(VoteJudge), "mean(length,vote(keywords,diversity,format))")]
    [TestCase("symmetrize(vote(length(5),keywords))", typeof(SymmetrizedJudge), "symmetrize(vote(length(5),keywords))")]
    [TestCase("openai:gpt-4o-mini@http://127.0.0.1:8000/v1", typeof(OpenAIJudge), "openai:gpt-4o-mini@http://127.0.0.1:8000/v1")]
    [TestCase("openai:org/model@v2@https://example.com/v1/", typeof(OpenAIJudge), "openai:org/model@v2@https://example.com/v1")]
    [TestCase("openai:gpt-4o", typeof(OpenAIJudge), "openai:gpt-4o@https://api.openai.com/v1")]
    [TestCase("process:python3 rm.py --scale 2,3", typeof(ProcessJudge), "process:python3 rm.py --scale 2,3")]
    public void Parse_ValidSpec_BuildsJudgeWhoseIdIsASpec(string spec, Type type, string id)
    {
        using var judge = JudgeSpec.Parse(spec);
        Assert.That(judge, Is.TypeOf(type));
        Assert.That(judge.Id, Is.EqualTo(id));
        using var again = JudgeSpec.Parse(judge.Id);
        Assert.That(again.Id, Is.EqualTo(id), "the id parses back to the same judge");
    }

    [Test]
    public void Parse_NestedCacheAndProcessWithCommas()
    {
        using var dir = new TempDirectory();
        var file = dir.File("v.db");
        using var judge = JudgeSpec.Parse($"vote(symmetrize(cache({file},keywords)),cache({file},process:sh -c 'f(1,2)' , x),length)");
        var vote = (VoteJudge)judge;
        Assert.That(vote.Members, Has.Count.EqualTo(3));
        var cache = (CachingJudge)((VoteJudge)judge).Members[1];
        Assert.That(cache.Path, Is.EqualTo(file));
        Assert.That(cache.Id, Does.EndWith(",process:sh -c 'f(1,2)' , x)"), "cache's spec is everything after its first comma");
    }

    [TestCase("", "empty")]
    [TestCase("lenght", "\"lenght\" is not a judge name")]
    [TestCase("vote(length,keywords", "parentheses")]
    [TestCase("vote(length))", "parentheses")]
    [TestCase("vote()", "one or more")]
    [TestCase("vote(length,,keywords)", "one or more")]
    [TestCase("vote(length,nope)", "\"nope\" is not a judge name")]
    [TestCase("length(0)", "positive whole number")]
    [TestCase("length(x)", "positive whole number")]
    [TestCase("keywords(red||blue)", "non-empty words")]
    [TestCase("brevity(3)", "no arguments")]
    [TestCase("symmetrize(length,keywords)", "exactly one")]
    [TestCase("cache(only.db)", "a file and a spec")]
    [TestCase("openai:@http://127.0.0.1/v1", "model name is empty")]
    [TestCase("openai:m@ftp.example.com", "http:// or https://")]
    [TestCase("process:   ", "command")]
    [TestCase("model:checkpoints/does-not-exist", "could not be loaded")]
    [TestCase("model:  ", "is empty")]
    [TestCase("vote(0*length)", "weight")]
    [TestCase("keywords()", "parentheses are empty")]
    [TestCase("length()", "parentheses are empty")]
    [TestCase("process[timeout=0]:cat", "positive number of seconds")]
    [TestCase("process[timeout=abc]:cat", "positive number of seconds")]
    [TestCase("process[timeout]:cat", "needs a value")]
    [TestCase("process[speed=3]:cat", "\"speed\" is not an option here; the options are timeout")]
    [TestCase("process[timeout=3,timeout=4]:cat", "given twice")]
    [TestCase("process[timeout=3 cat", "\"]:\" is missing")]
    [TestCase("openai[allow_http_key=yes]:m@http://10.0.0.1/v1", "flag")]
    [TestCase("openai[max_response_bytes=0]:m@http://127.0.0.1/v1", "whole number")]
    [TestCase("openai[key_env=REBEL_TEST_UNSET_KEY_VARIABLE]:m@https://example.com/v1", "REBEL_TEST_UNSET_KEY_VARIABLE is not set")]
    [TestCase("cache(/nonexistent-rebel-folder/x.db,length)", "folder /nonexistent-rebel-folder does not exist")]
    public void Parse_BadSpec_SaysWhyAndListsValidForms(string spec, string why)
    {
        var e = Assert.Throws<JudgeSpecException>(() => JudgeSpec.Parse(spec));
        Assert.That(e!.Message, Does.Contain(why));
        Assert.That(e.Message, Does.Contain("vote(SPEC,SPEC,...)").And.Contain("openai:MODEL@BASE_URL"));
    }

    [Test]
    public void Parse_SchemeOptions_ReachTheJudge()
    {
        using (var process = (ProcessJudge)JudgeSpec.Parse("process[timeout=2.5]:cat -u"))
        {
            Assert.That(process.Timeout, Is.EqualTo(TimeSpan.FromSeconds(2.5)));
            Assert.That(process.Command, Is.EqualTo("cat -u"));
            Assert.That(process.Id, Is.EqualTo("process:cat -u"));
        }
        Assert.That(((ProcessJudge)JudgeSpec.Parse("process:cat")).Timeout, Is.EqualTo(ProcessJudge.DefaultTimeout));
        using var openai = (OpenAIJudge)JudgeSpec.Parse("openai[ allow_http_key, timeout=7, max_response_bytes=4096 ]:m@http://10.0.0.1/v1");
        Assert.That((openai.Options.AllowKeyOverHttp, openai.Options.Timeout, openai.Options.MaxResponseBytes, openai.Options.KeyVariable),
            Is.EqualTo((true, TimeSpan.FromSeconds(7), 4096L, "OPENAI_API_KEY")));
    }

    [Test]
    public void Parse_UrlWithCredentials_NeverShowsThem()
    {
        using var judge = JudgeSpec.Parse("openai:m@http://alice:s3cret@127.0.0.1:9/v1");
        Assert.That(judge.Id, Is.EqualTo("openai:m@http://***@127.0.0.1:9/v1"));
        var e = Assert.Throws<JudgeSpecException>(() => JudgeSpec.Parse("openai[bogus]:m@https://alice:s3cret@example.com/v1"))!;
        Assert.That(e.Message, Does.Not.Contain("s3cret").And.Contain("https://***@example.com"));
        Assert.That(e.Spec, Does.Not.Contain("s3cret"));
    }

    [Test]
    public async Task Parse_ModelDirectory_JudgesWithTheSavedModel()
    {
        using var dir = new TempDirectory();
        var encoder = new Rebel.Preference.Models.HashedFeatureEncoder(new() { Buckets = 64, Hidden = 8 }, new Rebel.Tensors.Rng(1));
        var model = new Rebel.Preference.Models.GeneralPreferenceModel(encoder, 2, 1.0, new Rebel.Tensors.Rng(2));
        model.Save(dir.Path);
        using var judge = JudgeSpec.Parse($"model:{dir.Path}");
        var pairs = new[] { new Comparison("p", "river stone", "engine gear"), new Comparison("p", "engine gear", "river stone") };
        var verdicts = await judge.JudgeAsync(pairs);
        var expected = model.PreferenceProbabilities(pairs);
        Assert.That(verdicts.Select(v => v.P), Is.EqualTo(expected));
        Assert.That(verdicts[0].P + verdicts[1].P, Is.EqualTo(1.0));
        Assert.That(judge.Id, Does.Match("^model:gpm-features@sha256:[0-9a-f]{16}$"));
    }

    private static Rebel.Preference.Models.GeneralPreferenceModel SavedModel(string directory, ulong seed)
    {
        var encoder = new Rebel.Preference.Models.HashedFeatureEncoder(new() { Buckets = 64, Hidden = 8 }, new Rebel.Tensors.Rng(seed));
        var model = new Rebel.Preference.Models.GeneralPreferenceModel(encoder, 2, 1.0, new Rebel.Tensors.Rng(seed + 1));
        model.Save(directory);
        return model;
    }

    [Test]
    public void Parse_ModelDirectory_IdIdentifiesTheWeights_NotThePath()
    {
        using var dir = new TempDirectory();
        SavedModel(dir.File("a"), 1);
        SavedModel(dir.File("b"), 7);                                     // same kind and shape, other weights
        SavedModel(dir.File("a-copy"), 1);                                // the same model elsewhere
        string Id(string name)
        {
            using var judge = JudgeSpec.Parse($"model:{dir.File(name)}");
            return judge.Id;
        }
        Assert.That(Id("a"), Is.Not.EqualTo(Id("b")));
        Assert.That(Id("a-copy"), Is.EqualTo(Id("a")));
        File.AppendAllText(Path.Combine(dir.File("a-copy"), "config.json"), " ");  // the config is part of the model
        Assert.That(Id("a-copy"), Is.Not.EqualTo(Id("a")));
    }

    [Test]
    public async Task Cache_OfTwoModelsInOneFile_ReturnsEachModelsOwnVerdicts()
    {
        using var dir = new TempDirectory();
        var a = SavedModel(dir.File("a"), 1);
        var b = SavedModel(dir.File("b"), 7);
        var pairs = new[] { new Comparison("p", "river stone", "engine gear") };
        var db = dir.File("verdicts.db");
        using (var judgeA = JudgeSpec.Parse($"cache({db},model:{dir.File("a")})"))
            Assert.That((await judgeA.JudgeAsync(pairs))[0].P, Is.EqualTo(a.PreferenceProbabilities(pairs)[0]));
        using var judgeB = JudgeSpec.Parse($"cache({db},model:{dir.File("b")})");
        double pb = (await judgeB.JudgeAsync(pairs))[0].P;
        Assert.That(pb, Is.EqualTo(b.PreferenceProbabilities(pairs)[0]));
        Assert.That(pb, Is.Not.EqualTo(a.PreferenceProbabilities(pairs)[0]));
    }

    [Test]
    public void Ids_OfProcessAndCompositeJudges_ComposeWhatDefinesThem()
    {
        using var p1 = JudgeSpec.Parse("process:python3 judge.py --criterion a");
        using var p2 = JudgeSpec.Parse("process:python3 judge.py --criterion b");
        Assert.That(p1.Id, Is.Not.EqualTo(p2.Id));
        using var v1 = JudgeSpec.Parse("symmetrize(vote(length,keywords(red)))");
        using var v2 = JudgeSpec.Parse("symmetrize(vote(length,keywords(blue)))");
        Assert.That(v1.Id, Is.EqualTo("symmetrize(vote(length,keywords(red)))"));
        Assert.That(v1.Id, Is.Not.EqualTo(v2.Id));
    }
}
