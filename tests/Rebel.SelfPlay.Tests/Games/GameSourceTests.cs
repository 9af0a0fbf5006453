using Rebel.Preference.Models;
using Rebel.SelfPlay.Games;

namespace Rebel.SelfPlay.Tests.Games;

/// <summary>Game files (parsed by <see cref="MatrixPreferenceModel"/>, tested in Rebel.Preference.Tests) and built-in names as
/// <c>--game</c> arguments.</summary>
public class GameSourceTests
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
    public void ShippedGameFiles_MatchTheBuiltins()
    {
        var data = Path.Combine(RepositoryRoot(), "data", "games");
        foreach (var name in new[] { "rock-paper-scissors", "weighted-rps", "cycle-dominated", "condorcet" })
        {
            var file = MatrixPreferenceModel.Load(Path.Combine(data, name + ".json"));
            var builtin = BuiltinGames.Create(name);
            Assert.That(file.Name, Is.EqualTo(name));
            Assert.That(file.Actions, Is.EqualTo(builtin.Actions));
            Assert.That(file.Matrix.ToArray(), Is.EqualTo(builtin.Matrix.ToArray()), name);
        }
        Assert.That(MatrixPreferenceModel.Load(Path.Combine(data, "efron-dice.json")).Actions, Has.Count.EqualTo(4));
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
