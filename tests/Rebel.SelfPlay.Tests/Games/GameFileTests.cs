using Rebel.Models.Data;
using Rebel.SelfPlay.Games;

namespace Rebel.SelfPlay.Tests.Games;

public class GameFileTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("rebel-games-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_directory, "game.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Test]
    public void Load_ReadsNameActionsAndMatrix()
    {
        var path = Write("""{"name": "coin", "actions": ["h", "t"], "preference": [[0.5, 0.25], [0.75, 0.5]]}""");
        var game = GameFile.Load(path);
        Assert.That(game.Name, Is.EqualTo("coin"));
        Assert.That(game.Actions, Is.EqualTo(new[] { "h", "t" }));
        Assert.That(game.Preference[1, 0], Is.EqualTo(0.75));
    }

    [Test]
    public void SaveThenLoad_RoundTrips()
    {
        var original = BuiltinGames.Random(7, 3);
        var path = Path.Combine(_directory, "sub", "random.json");
        GameFile.Save(original, path);
        var loaded = GameFile.Load(path);
        Assert.That(loaded.Name, Is.EqualTo(original.Name));
        Assert.That(loaded.Actions, Is.EqualTo(original.Actions));
        Assert.That(loaded.Preference.ToArray(), Is.EqualTo(original.Preference.ToArray()));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1)); // no temporary left
    }

    [TestCase("{\"name\": \"x\",\n \"actions\": [\"a\", \"b\"],\n \"preference\": [[0.5, 0.5], [0.5 0.5]]}", 3, "not valid JSON")]
    [TestCase("[1, 2]", 0, "expected a JSON object")]
    [TestCase("""{"actions": ["a"], "preference": [[0.5]]}""", 0, "missing \"name\"")]
    [TestCase("""{"name": "x", "actions": "a", "preference": [[0.5]]}""", 0, "\"actions\" must be a JSON Array")]
    [TestCase("""{"name": "x", "actions": ["a", "a"], "preference": [[0.5, 0.5], [0.5, 0.5]]}""", 0, "appears twice")]
    [TestCase("""{"name": "x", "actions": ["a", "b"], "preference": [[0.5, 0.5]]}""", 0, "has 1 rows but there are 2 actions")]
    [TestCase("""{"name": "x", "actions": ["a", "b"], "preference": [[0.5, 0.5], [0.5]]}""", 0, "\"preference\"[1] must be an array of 2 numbers")]
    [TestCase("""{"name": "x", "actions": ["a", "b"], "preference": [[0.5, "y"], [0.5, 0.5]]}""", 0, "\"preference\"[0][1] is String")]
    [TestCase("""{"name": "x", "actions": ["a", "b"], "preference": [[0.5, 0.9], [0.9, 0.5]]}""", 0, "not a preference matrix")]
    [TestCase("""{"name": "x", "actions": ["a", "b"], "preference": [[0.5, 1.5], [-0.5, 0.5]]}""", 0, "not a preference matrix")]
    public void Load_BadFile_ThrowsNamingFileAndProblem(string json, int line, string problem)
    {
        var path = Write(json);
        var ex = Assert.Throws<DataFormatException>(() => GameFile.Load(path));
        Assert.That(ex!.Path, Is.EqualTo(path));
        Assert.That(ex.Line, Is.EqualTo(line));
        Assert.That(ex.Message, Does.StartWith(path).And.Contain(problem));
    }

    [Test]
    public void Load_MissingFile_Throws() =>
        Assert.Throws<FileNotFoundException>(() => GameFile.Load(Path.Combine(_directory, "none.json")));

    [Test]
    public void ShippedGameFiles_MatchTheBuiltins()
    {
        var data = Path.Combine(RepositoryRoot(), "data", "games");
        foreach (var name in new[] { "rock-paper-scissors", "weighted-rps", "cycle-dominated", "condorcet" })
        {
            var file = GameFile.Load(Path.Combine(data, name + ".json"));
            var builtin = BuiltinGames.Create(name);
            Assert.That(file.Name, Is.EqualTo(name));
            Assert.That(file.Actions, Is.EqualTo(builtin.Actions));
            Assert.That(file.Preference.ToArray(), Is.EqualTo(builtin.Preference.ToArray()), name);
        }
        Assert.That(GameFile.Load(Path.Combine(data, "efron-dice.json")).Actions, Has.Count.EqualTo(4));
    }

    [Test]
    public void GameSource_ResolvesFilesAndBuiltins()
    {
        var path = Write("""{"name": "coin", "actions": ["h", "t"], "preference": [[0.5, 0.25], [0.75, 0.5]]}""");
        Assert.That(GameSource.Resolve(path).Name, Is.EqualTo("coin"));
        Assert.That(GameSource.Resolve("condorcet").Actions, Has.Count.EqualTo(4));
        var ex = Assert.Throws<ArgumentException>(() => GameSource.Resolve("go"));
        Assert.That(ex!.Message, Does.Contain("neither a game file nor a built-in"));
        Assert.Throws<FileNotFoundException>(() => GameSource.Resolve(Path.Combine(_directory, "missing.json")));
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rebel.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Rebel.sln not found above the test directory.");
    }
}
