using System.Globalization;

namespace Leadline.Workspaces;

/// <summary>ISO 3166-1 alpha-2 countries known to the runtime's ICU data, for pickers and validation.</summary>
public static class Countries
{
    public static readonly IReadOnlyList<(string Code, string Name)> All = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c =>
        {
            try { return new RegionInfo(c.Name); }
            catch (ArgumentException) { return null; }
        })
        .OfType<RegionInfo>()
        .Where(r => r.TwoLetterISORegionName.Length == 2 && r.TwoLetterISORegionName.All(char.IsAsciiLetterUpper))
        .DistinctBy(r => r.TwoLetterISORegionName)
        .Select(r => (r.TwoLetterISORegionName, r.EnglishName))
        .OrderBy(r => r.EnglishName, StringComparer.Ordinal)
        .ToList();

    private static readonly HashSet<string> Codes = All.Select(c => c.Code).ToHashSet(StringComparer.Ordinal);

    public static bool IsKnown(string? code) => code is not null && Codes.Contains(code);
}

public static class TimeZones
{
    public static readonly IReadOnlyList<string> All = TimeZoneInfo.GetSystemTimeZones()
        .Select(z => z.Id).Append("UTC").Distinct().Order(StringComparer.Ordinal).ToList();

    public static bool IsKnown(string? id) => !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
