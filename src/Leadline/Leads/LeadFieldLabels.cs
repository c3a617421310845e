using System.Text;

namespace Leadline.Leads;

/// <summary>
/// A lead field's API name, history field or CSV header ("email", "address.city", "city", "stage") in the words a person
/// reads, from the catalog (<see cref="LeadFields"/>): the history tab, the merge screen and the import's column choices all
/// name fields through it.
/// </summary>
public static class LeadFieldLabels
{
    public static string For(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return LeadFields.Find(field)?.Label ?? field switch
        {
            "social" => "Social profiles",
            _ => Humanize(field),
        };
    }

    /// <summary>"sourceDetail" → "Source detail": the fallback for a field without a label of its own.</summary>
    public static string Humanize(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var words = new StringBuilder(field.Length + 4);
        foreach (var c in field)
        {
            if (char.IsUpper(c) && words.Length > 0)
                words.Append(' ').Append(char.ToLowerInvariant(c));
            else
                words.Append(words.Length == 0 ? char.ToUpperInvariant(c) : c);
        }
        return words.ToString();
    }
}
