using System.Text;

namespace Leadline.Leads;

/// <summary>
/// The one map from a lead field's API name (as in the API, CSV headers and history rows) to the words a person reads:
/// the history tab, the merge screen and the import's column choices all name fields through it.
/// </summary>
public static class LeadFieldLabels
{
    public static string For(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field switch
        {
            "email" => "E-mail",
            "stage" or "stageId" => "Stage",
            "owner" or "ownerId" => "Owner",
            "lostReason" => "Lost reason",
            "nextFollowUpAt" => "Next follow-up",
            "lastActivityAt" => "Last activity",
            "createdAt" => "Created",
            "closedAt" => "Closed",
            "reservedAt" => "Reserved",
            "archived" => "Archived",
            "mergedIntoId" => "Merged into",
            "sourceDetail" => "Source detail",
            "lifecycleStage" => "Lifecycle stage",
            "companySize" => "Company size",
            "postalCode" => "Post code",
            "dateOfBirth" => "Date of birth",
            "maritalStatus" => "Marital status",
            "accountType" => "Account type",
            "relationshipType" => "Relationship",
            "loyaltyLevel" => "Loyalty level",
            "linkedin" => "LinkedIn",
            "twitter" => "X / Twitter",
            "social" => "Social profiles",
            "customFields" => "Custom fields",
            "primary" => "Primary contact",
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
