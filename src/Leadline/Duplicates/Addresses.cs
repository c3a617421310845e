using System.Collections.Frozen;

namespace Leadline.Duplicates;

/// <summary>A street address read for comparison: the house number and the street words in a standard spelling.</summary>
public sealed record StreetAddress(string? Number, IReadOnlyList<string> Words)
{
    /// <summary>The street words without street types and directions ("n sheridan rd" → "sheridan"): what identifies the street.</summary>
    public IReadOnlyList<string> CoreWords { get; init; } = [];
}

/// <summary>
/// Street addresses in one spelling: "7 North Homan Avenue, Suite 4" → 7 [n, homan, ave]. Street types and
/// directions take their postal abbreviation (street → st, road → rd, avenue/av → ave, north → n …), unit
/// parts (suite, apt, room, #) are dropped, and the first number is the house number.
/// </summary>
public static class Addresses
{
    private static readonly FrozenDictionary<string, string> StreetTypes = new Dictionary<string, string>
    {
        ["street"] = "st", ["str"] = "st", ["st"] = "st", ["strasse"] = "st",
        ["road"] = "rd", ["rd"] = "rd",
        ["avenue"] = "ave", ["av"] = "ave", ["ave"] = "ave", ["avn"] = "ave",
        ["boulevard"] = "blvd", ["blvd"] = "blvd", ["bvd"] = "blvd",
        ["drive"] = "dr", ["dr"] = "dr", ["drv"] = "dr",
        ["lane"] = "ln", ["ln"] = "ln",
        ["place"] = "pl", ["pl"] = "pl",
        ["court"] = "ct", ["ct"] = "ct", ["crt"] = "ct",
        ["crescent"] = "cres", ["cres"] = "cres", ["cr"] = "cres",
        ["circuit"] = "cct", ["cct"] = "cct",
        ["circle"] = "cir", ["cir"] = "cir",
        ["terrace"] = "tce", ["tce"] = "tce", ["ter"] = "tce",
        ["parkway"] = "pkwy", ["pkwy"] = "pkwy",
        ["highway"] = "hwy", ["hwy"] = "hwy",
        ["square"] = "sq", ["sq"] = "sq",
        ["close"] = "cl", ["cl"] = "cl",
        ["way"] = "way",
        ["parade"] = "pde", ["pde"] = "pde",
        ["grove"] = "gr", ["gr"] = "gr",
        ["expressway"] = "expy", ["expy"] = "expy",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> Directions = new Dictionary<string, string>
    {
        ["north"] = "n", ["n"] = "n", ["south"] = "s", ["s"] = "s", ["east"] = "e", ["e"] = "e", ["west"] = "w", ["w"] = "w",
        ["northeast"] = "ne", ["ne"] = "ne", ["northwest"] = "nw", ["nw"] = "nw", ["southeast"] = "se", ["se"] = "se", ["southwest"] = "sw", ["sw"] = "sw",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> UnitWords = FrozenSet.ToFrozenSet(
        ["suite", "ste", "apt", "apartment", "unit", "room", "rm", "floor", "fl", "flat", "bldg", "po", "box"], StringComparer.Ordinal);

    public static StreetAddress? Parse(string? street)
    {
        if (string.IsNullOrWhiteSpace(street))
            return null;
        var tokens = TextFolding.Tokens(street.Replace("#", " unit ", StringComparison.Ordinal));
        string? number = null;
        var words = new List<string>(tokens.Length);
        var core = new List<string>(tokens.Length);
        for (var i = 0; i < tokens.Length; i++)
        {
            var t = tokens[i];
            if (UnitWords.Contains(t))
            {
                i++;   // the unit's own number or letter goes with it
                continue;
            }
            if (number is null && words.Count == 0 && IsHouseNumber(t))
            {
                number = t.TrimStart('0');
                continue;
            }
            if (StreetTypes.TryGetValue(t, out var type))
            {
                words.Add(type);
                continue;
            }
            if (Directions.TryGetValue(t, out var direction))
            {
                words.Add(direction);
                continue;
            }
            words.Add(t);
            core.Add(t);
        }
        if (number is null && words.Count == 0)
            return null;
        // a street named only by a type word ("The Strand" aside) keeps its words as the core
        return new StreetAddress(number, words) { CoreWords = core.Count > 0 ? core : words };
    }

    // "12", "12a"; not "37th" (a numbered street)
    private static bool IsHouseNumber(string token) =>
        char.IsAsciiDigit(token[0]) && token.Take(token.Length - 1).All(char.IsAsciiDigit) && !token.EndsWith("st", StringComparison.Ordinal);
}
