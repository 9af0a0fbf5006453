using System.Text.RegularExpressions;

namespace Rebel.SelfPlay.Tests.Architecture;

/// <summary>
/// docs/randomness.md's rule, read from the sources: every random number of src/, tools/, examples/ and bench/ comes
/// from <c>Rebel.Tensors.Rng</c> (no <c>System.Random</c>, whose sequence is a detail of the .NET runtime and whose
/// state cannot be saved), and seeds are derived with <c>Rng.DeriveSeed</c>, not by XOR-ing the seed with a constant.
/// </summary>
public partial class OneGeneratorTests
{
    // new Random(…), new System.Random(…), Random.Shared, System.Random as a type, or a variable/parameter of type Random
    [GeneratedRegex(@"\bnew\s+(?:System\.)?Random\s*\(|\bRandom\.Shared\b|\bSystem\.Random\b|\bRandom\??\s+[a-z_]\w*\s*[,)=;]")]
    private static partial Regex SystemRandom();

    // seed ^ constant, seed ^ hash, ... (any XOR applied to something named …Seed or seed)
    [GeneratedRegex(@"\b\w*[Ss]eed\s*\^|\^\s*\w*[Ss]eed\b")]
    private static partial Regex XorSeed();

    [Test]
    public void Sources_UseOnlyRng_AndDeriveSeedsWithoutXor()
    {
        var root = RepositoryRoot();
        var files = new[] { "src", "tools", "examples", "bench" }.Select(d => Path.Combine(root, d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.That(files, Has.Count.GreaterThan(100), "the sources were not found");
        var found = new List<string>();
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                if (SystemRandom().IsMatch(lines[i]) || XorSeed().IsMatch(lines[i]))
                    found.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {lines[i].Trim()}");
        }
        Assert.That(found, Is.Empty, "System.Random or a seed derived by XOR (use Rebel.Tensors.Rng and Rng.DeriveSeed)");
    }

    [TestCase("var random = new Random(seed);")]
    [TestCase("var rng = new System.Random(7);")]
    [TestCase("int k = Random.Shared.Next(3);")]
    [TestCase("void Step(Span<double> logits, int samples, Random random)")]
    [TestCase("var evalRng = new Rng(_options.Seed ^ 0x5EEDUL);")]
    [TestCase("store.Load(player, options.Seed ^ NameHash(player.Name));")]
    public void Patterns_CatchTheOldForms(string line) =>
        Assert.That(SystemRandom().IsMatch(line) || XorSeed().IsMatch(line), Is.True);

    [TestCase("var random = new Rng(Rng.DeriveSeed(seed, SamplingStream));")]
    [TestCase("public static MatrixPreferenceModel Random(int actions, int seed)")]
    [TestCase("game = Random(n, seed);")]
    [TestCase("// Random tensors from a seeded Rng.")]
    public void Patterns_LeaveRngAndOtherUsesOfTheWordAlone(string line) =>
        Assert.That(SystemRandom().IsMatch(line) || XorSeed().IsMatch(line), Is.False);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rebel.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Rebel.sln not found above the test directory.");
    }
}
