using System.Text.RegularExpressions;

namespace Rebel.SelfPlay.Tests.Architecture;

/// <summary>
/// No two namespaces of Rebel may import each other, directly or through others. The graph is read from the sources:
/// an edge N → M for every <c>using M;</c> in a file of namespace N (M not N itself nor one of its parents, which are
/// in scope without a using). A reference written without a using (a fully qualified name, a parent's type) is not
/// seen; that is the price of a test that needs no compiler.
/// </summary>
public partial class NamespaceLoopTests
{
    /// <summary>Loops that existed when this test was written, each owned by a piece of work that breaks it. A loop
    /// may shrink or vanish; a namespace joining one, or a new loop, fails.</summary>
    private static readonly string[][] KnownLoops =
    [
        ["Rebel.Models.Chat", "Rebel.Models.Data", "Rebel.Models.Prompts", "Rebel.Models.Tokenization"],
        ["Rebel.Models.Generation", "Rebel.Models.Gpt2", "Rebel.Models.Gpt2.Modules", "Rebel.Models.Llama", "Rebel.Models.Llama.Modules", "Rebel.Models.Lora"],
        ["Rebel.SelfPlay.Games", "Rebel.SelfPlay.Policies"],
        ["Rebel.Cli.Commands", "Rebel.Cli.Training"],
    ];

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(Rebel[\w.]*)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingLine();

    [Test]
    public void Sources_HaveNoNewNamespaceLoop()
    {
        var graph = new Dictionary<string, HashSet<string>>();
        var root = RepositoryRoot();
        var files = new[] { "src", "bench" }.Select(d => Path.Combine(root, d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.That(files, Has.Count.GreaterThan(100), "the sources were not found");
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            if (NamespaceLine().Match(text) is not { Success: true } ns) continue;
            AddEdges(graph, ns.Groups[1].Value, UsingLine().Matches(text).Select(m => m.Groups[1].Value));
        }
        Assert.That(graph.Keys, Does.Contain("Rebel.SelfPlay.Tournaments"));
        var unknown = Loops(graph).Where(loop => !KnownLoops.Any(known => loop.All(known.Contains))).Select(l => string.Join(" ↔ ", l)).ToList();
        Assert.That(unknown, Is.Empty, "namespaces that import each other (directly or through others)");
    }

    [Test]
    public void Loops_FindsAThreeNamespaceCycleAndNothingInATree()
    {
        var graph = new Dictionary<string, HashSet<string>>();
        AddEdges(graph, "A", ["B"]);
        AddEdges(graph, "B", ["C", "D"]);
        AddEdges(graph, "C", ["A"]);
        Assert.That(Loops(graph), Is.EqualTo(new[] { new[] { "A", "B", "C" } }));
        graph["C"].Clear();
        Assert.That(Loops(graph), Is.Empty);
    }

    private static void AddEdges(Dictionary<string, HashSet<string>> graph, string ns, IEnumerable<string> usings)
    {
        if (!graph.TryGetValue(ns, out var targets)) graph[ns] = targets = [];
        foreach (var u in usings)
            if (u != ns && !ns.StartsWith(u + ".", StringComparison.Ordinal)) targets.Add(u);
    }

    /// <summary>The strongly connected components of more than one namespace (Tarjan), each sorted.</summary>
    private static List<string[]> Loops(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var loops = new List<string[]>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string top;
            do
            {
                top = stack.Pop();
                onStack.Remove(top);
                component.Add(top);
            } while (top != v);
            if (component.Count > 1) loops.Add([.. component.Order(StringComparer.Ordinal)]);
        }
        foreach (var v in graph.Keys.Order(StringComparer.Ordinal).ToList())
            if (!index.ContainsKey(v)) Visit(v);
        return loops;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rebel.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Rebel.sln not found above the test directory");
    }
}
