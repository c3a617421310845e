using System.Text.RegularExpressions;

namespace Leadline.Tests.Common;

/// <summary>
/// Common/ is what every feature builds on, so it may use no feature (issue 18 item 7): no type of a feature's namespace
/// is named in its code, whether through a using, a global using or _Imports.razor. The database layer (Data) is the
/// one thing below the features it may use.
/// </summary>
public sealed partial class CommonUsesNoFeatureTests
{
    [Fact]
    public void No_file_under_Common_names_a_feature_type()
    {
        var assembly = typeof(Program).Assembly;
        var featureTypes = assembly.GetTypes()
            .Where(t => t is { IsNested: false, Namespace: { } ns } && ns.StartsWith("Leadline.", StringComparison.Ordinal)
                        && !ns.StartsWith("Leadline.Common", StringComparison.Ordinal) && !ns.StartsWith("Leadline.Data", StringComparison.Ordinal)
                        && !t.Name.Contains('<', StringComparison.Ordinal) && !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false))
            .Select(t => t.Name.Split('`')[0])
            .ToHashSet(StringComparer.Ordinal);
        // also a framework type Common uses (System.Threading.Channels.Channel); the feature's would come with a
        // "Leadline.Channels" using or qualifier, which the namespace check below catches
        featureTypes.Remove("Channel");
        Assert.Contains("Lead", featureTypes);   // the scan knows what a feature type is

        var root = Path.Combine(RepositoryRoot(), "src", "Leadline", "Common");
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal)))
        {
            var code = Comments().Replace(File.ReadAllText(file), "");
            code = Strings().Replace(code, "\"\"");
            foreach (Match m in Identifier().Matches(code))
                if (featureTypes.Contains(m.Value) || m.Value.StartsWith("Leadline.", StringComparison.Ordinal) && IsFeatureNamespace(m.Value))
                    offenders.Add($"{Path.GetRelativePath(root, file)}: {m.Value}");
        }
        Assert.Empty(offenders.Distinct());
    }

    private static bool IsFeatureNamespace(string qualified) =>
        !qualified.StartsWith("Leadline.Common", StringComparison.Ordinal) && !qualified.StartsWith("Leadline.Data", StringComparison.Ordinal);

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@\*.*?\*@", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex Strings();

    // a member after a dot (connection.Notification) is not a type name; a qualified Leadline name is checked whole
    [GeneratedRegex(@"\bLeadline(?:\.[A-Z]\w*)+|(?<![.\w])[A-Z]\w*\b")]
    private static partial Regex Identifier();

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Leadline.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Leadline.slnx not found above the test's folder.");
    }
}
