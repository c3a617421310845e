using System.Globalization;
using System.Text.RegularExpressions;
using Leadline.CustomFields;
using Leadline.Leads;

namespace Leadline.Conversations.Sending;

/// <summary>
/// Fills a template parameter for a lead: <c>{{lead.name}}</c>, <c>{{lead.&lt;field&gt;}}</c> (any field of the catalog by its
/// API name), <c>{{lead.cf.&lt;key&gt;}}</c> (a custom field), <c>{{owner.name}}</c>. Text around them stays as written; an
/// unknown placeholder is left as it is, so a typo shows in the preview instead of vanishing.
/// </summary>
public static partial class TemplateHydration
{
    [GeneratedRegex(@"\{\{\s*([A-Za-z][A-Za-z0-9_.\-]*)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\{\{\s*(\d+)\s*\}\}")]
    private static partial Regex Numbered();

    public static string Hydrate(string parameter, Lead lead, string? ownerName) =>
        Placeholder().Replace(parameter, m => Value(m.Groups[1].Value, lead, ownerName) ?? m.Value);

    private static string? Value(string path, Lead lead, string? ownerName)
    {
        if (path.Equals("owner.name", StringComparison.OrdinalIgnoreCase))
            return ownerName ?? "";
        if (!path.StartsWith("lead.", StringComparison.OrdinalIgnoreCase))
            return null;
        var name = path[5..];
        if (name.StartsWith("cf.", StringComparison.OrdinalIgnoreCase))
        {
            var values = CustomFieldValues.Read(lead.CustomFields);
            return values.TryGetPropertyValue(name[3..], out var value) ? CustomFieldValues.Text(value) ?? "" : null;
        }
        var field = LeadFields.Find(name);
        if (field is null)
            return null;
        return field.Value(lead) switch
        {
            null => "",
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime time => time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            System.Collections.IEnumerable list and not string => string.Join(", ", list.Cast<object?>()),
            var v => v.ToString() ?? "",
        };
    }

    /// <summary>The template's body with <c>{{1}}</c>… replaced by the (hydrated) parameters in order.</summary>
    public static string Fill(string body, IReadOnlyList<string> parameters) =>
        Numbered().Replace(body, m => int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= parameters.Count ? parameters[n - 1] : m.Value);

    /// <summary>How many numbered parameters a template body has (the highest <c>{{n}}</c>).</summary>
    public static int ParameterCount(string body) =>
        Numbered().Matches(body).Select(m => int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var n) ? n : 0).DefaultIfEmpty(0).Max();
}
