using System.Text.Json;
using Leadline.Common.Security;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.CustomFields;

/// <summary>The lead list's optional columns (custom fields, as <c>cf.key</c>) the signed-in user chose, kept on their user row.</summary>
public sealed class LeadListColumns(LeadlineDb db, CurrentUser me)
{
    public const int MaxColumns = 20;

    public async Task<List<string>> ChosenAsync(CancellationToken ct)
    {
        var json = await db.Users.Where(u => u.Id == me.Id).Select(u => u.LeadListColumns).FirstOrDefaultAsync(ct);
        try
        {
            return json is null ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public async Task SaveAsync(IEnumerable<string> columns, CancellationToken ct)
    {
        var chosen = columns.Where(c => c.StartsWith("cf.", StringComparison.Ordinal) && c.Length <= CustomField.MaxKeyLength + 3)
            .Distinct(StringComparer.Ordinal).Take(MaxColumns).ToList();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == me.Id, ct);
        if (user is null)
            return;
        user.LeadListColumns = chosen.Count == 0 ? null : JsonSerializer.Serialize(chosen);
        await db.SaveChangesAsync(ct);
    }
}
