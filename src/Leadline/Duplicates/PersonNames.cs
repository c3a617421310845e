using System.Collections.Frozen;

namespace Leadline.Duplicates;

/// <summary>
/// Person names as sets of canonical tokens: "Dr. Bob  O'Neil-Smith Jr." → [robert, oneil, smith]. Case,
/// accents and punctuation go, titles and generational suffixes go, and common English given-name
/// nicknames become their formal name (Bob → robert, Liz → elizabeth), so token order and nicknames
/// do not matter. Initials stay single letters; the scorer lets them match a name starting with them.
/// </summary>
public static class PersonNames
{
    private static readonly FrozenSet<string> Titles = FrozenSet.ToFrozenSet(
        ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "fr", "jr", "sr", "ii", "iii", "iv", "phd", "md", "esq",
         "herr", "frau", "mme", "mlle", "sr", "sra", "srta"],
        StringComparer.Ordinal);

    /// <summary>Canonical name tokens in the typed order.</summary>
    public static IReadOnlyList<string> Tokens(string? name)
    {
        var tokens = TextFolding.Tokens(name);
        var result = new List<string>(tokens.Length);
        foreach (var t in tokens)
        {
            if (Titles.Contains(t) && tokens.Length > 1)
                continue;
            result.Add(Nicknames.Canonical(t));
        }
        return result;
    }

    /// <summary>The order-free key: canonical tokens sorted and joined ("Smith, Bob" and "Robert Smith" → "robert smith").</summary>
    public static string? Key(string? name)
    {
        var tokens = Tokens(name);
        return tokens.Count == 0 ? null : string.Join(' ', tokens.Order(StringComparer.Ordinal));
    }
}
