using Rebel.Models.Data;
using Rebel.Preference.Models;

namespace Rebel.Preference.Tests.Models;

public class MatrixPreferenceModelTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("rebel-game-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static MatrixPreferenceModel Rps() =>
        new("rps", new PreferenceMatrix(PreferenceMatrixTests.RockPaperScissors(), new[] { "rock", "paper", "scissors" }));

    [Test]
    public void PreferenceProbabilities_LookUpTheMatrix()
    {
        var p = Rps().PreferenceProbabilities(new[]
        {
            new Comparison("", "paper", "rock"),
            new Comparison("any prompt", "rock", "paper"),
            new Comparison("", "scissors", "scissors"),
        });
        Assert.That(p, Is.EqualTo(new[] { 1.0, 0.0, 0.5 }));
    }

    [Test]
    public void PreferenceProbabilities_UnknownCompletion_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Rps().PreferenceProbabilities(new[]
        {
            new Comparison("", "rock", "paper"),
            new Comparison("", "rock", "lizard"),
        }))!;
        Assert.That(e.Message, Does.Contain("comparison 1").And.Contain("\"lizard\"").And.Contain("rock, paper, scissors"));
    }

    [Test]
    public void SaveLoad_RoundTrips()
    {
        var p = MinimaxWinnerTests.RandomPreference(new Random(3), 5, coarse: false);
        var model = new MatrixPreferenceModel("random5", new PreferenceMatrix(p));
        var path = Path.Combine(_dir, "sub", "game.json");
        model.Save(path);
        var loaded = MatrixPreferenceModel.Load(path);
        Assert.That(loaded.Name, Is.EqualTo("random5"));
        Assert.That(loaded.Matrix.Actions, Is.EqualTo(model.Matrix.Actions));
        Assert.That(loaded.Matrix.ToArray(), Is.EqualTo(p)); // exact: doubles round-trip
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1));
    }

    [Test]
    public void Load_DesignNotesExample()
    {
        var path = Path.Combine(_dir, "rps.json");
        File.WriteAllText(path, """{"name": "rps", "actions": ["r", "p", "s"], "preference": [[0.5, 0, 1], [1, 0.5, 0], [0, 1, 0.5]]}""");
        var model = MatrixPreferenceModel.Load(path);
        Assert.That(model.Matrix[0, 2], Is.EqualTo(1.0));
        Assert.That(model.Matrix.Actions, Is.EqualTo(new[] { "r", "p", "s" }));
    }

    [TestCase("""{"name": "g", "actions": ["x", "y"]}""", "missing field \"preference\"")]
    [TestCase("""{"actions": ["x"], "preference": [[0.5]]}""", "missing field \"name\"")]
    [TestCase("""{"name": "g", "actions": "x", "preference": [[0.5]]}""", "field \"actions\" must be Array")]
    [TestCase("""{"name": "g", "actions": ["x", 2], "preference": [[0.5, 0.5], [0.5, 0.5]]}""", "actions[1] must be a string")]
    [TestCase("""{"name": "g", "actions": ["x", "y"], "preference": [[0.5, 0.5]]}""", "1 rows but there are 2 actions")]
    [TestCase("""{"name": "g", "actions": ["x", "y"], "preference": [[0.5, 0.5], [0.5]]}""", "preference[1] must be an array of 2 numbers")]
    [TestCase("""{"name": "g", "actions": ["x", "y"], "preference": [[0.5, "1"], [0, 0.5]]}""", "preference[0][1] must be a number")]
    [TestCase("""{"name": "g", "actions": ["x", "y"], "preference": [[0.5, 0.9], [0.3, 0.5]]}""", "P[0,1] + P[1,0]")]
    [TestCase("""{"name": "g", "actions": ["x", "x"], "preference": [[0.5, 0.5], [0.5, 0.5]]}""", "appears twice")]
    [TestCase("""{"name": "g", """, "not valid JSON")]
    [TestCase("[1, 2]", "expected a JSON object")]
    [TestCase("""{"name": " ", "actions": ["x"], "preference": [[0.5]]}""", "field \"name\" is empty")]
    [TestCase("""{"name": "g", "actions": [], "preference": []}""", "field \"actions\" is empty")]
    [TestCase("""{"name": "g", "actions": ["x", " "], "preference": [[0.5, 0.5], [0.5, 0.5]]}""", "actions[1] is blank")]
    [TestCase("""{"name": "g", "actions": ["x", "y"], "preference": [[0.5, 1.5], [-0.5, 0.5]]}""", "\"preference\" is not a preference matrix")]
    public void Load_BadFile_ThrowsNamingFileAndProblem(string json, string problem)
    {
        var path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<DataFormatException>(() => MatrixPreferenceModel.Load(path))!;
        Assert.That(e.Message, Does.StartWith(path + ":").And.Contain(problem));
        Assert.That(e.Path, Is.EqualTo(path));
    }

    [Test]
    public void Parse_InvalidJson_NamesTheSourceAndLine()
    {
        var e = Assert.Throws<DataFormatException>(() => MatrixPreferenceModel.Parse(
            "{\"name\": \"x\",\n \"actions\": [\"a\", \"b\"],\n \"preference\": [[0.5, 0.5], [0.5 0.5]]}", "inline.json"))!;
        Assert.That(e.Path, Is.EqualTo("inline.json"));
        Assert.That(e.Line, Is.EqualTo(3));
        Assert.That(e.Message, Does.Contain("not valid JSON"));
    }

    [Test]
    public void Parse_ReadsNameActionsAndMatrix()
    {
        var model = MatrixPreferenceModel.Parse("""{"name": "coin", "actions": ["h", "t"], "preference": [[0.5, 0.25], [0.75, 0.5]]}""", "coin");
        Assert.That(model.Name, Is.EqualTo("coin"));
        Assert.That(model.Actions, Is.EqualTo(new[] { "h", "t" }));
        Assert.That(model.Matrix[1, 0], Is.EqualTo(0.75));
    }

    [Test]
    public void Load_MissingFile_Throws() =>
        Assert.Throws<FileNotFoundException>(() => MatrixPreferenceModel.Load(Path.Combine(_dir, "none.json")));
}
