// Counts the top-level public types of each assembly given, read from its metadata (nothing is loaded or run):
//   dotnet build Rebel.sln && dotnet run tools/public-types.cs -- src/Rebel.Cli/bin/Debug/net10.0/Rebel.*.dll
// Nested types are not counted; docs/architecture.md quotes the figures.
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: dotnet run tools/public-types.cs -- ASSEMBLY.dll...");
    return 1;
}
foreach (var path in args)
{
    using var stream = File.OpenRead(path);
    using var pe = new PEReader(stream);
    var metadata = pe.GetMetadataReader();
    int count = metadata.TypeDefinitions
        .Select(metadata.GetTypeDefinition)
        .Count(t => (t.Attributes & TypeAttributes.VisibilityMask) == TypeAttributes.Public);
    Console.WriteLine($"{Path.GetFileNameWithoutExtension(path)} {count}");
}
return 0;
