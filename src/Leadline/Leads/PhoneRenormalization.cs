using System.Data.Common;
using Leadline.Common;
using Leadline.Data;
using Leadline.Duplicates;

namespace Leadline.Leads;

/// <summary>
/// The upgrade to libphonenumber (script 0021): every lead's phone and mobile are read again in the workspace's country, as
/// <see cref="LeadWriter"/> reads them now. A lead whose E.164 form or search digits change (the hand-written table read
/// Argentina's and the Philippines' numbers wrongly; a number it could not read now has its typed digits) is updated, its
/// version bumped (its ETag changes), and its phone match keys ("p:", "pt:") written again, so the duplicate check finds it.
/// </summary>
public sealed class PhoneRenormalization : IMigrationStep
{
    private const int Batch = 5000;

    public int Version => 21;

    public async Task RunAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var ignore = connection.GetType().Name.StartsWith("Npgsql", StringComparison.Ordinal) ? ("", " ON CONFLICT DO NOTHING") : (" OR IGNORE", "");
        await using var update = Command(connection, transaction,
            "UPDATE leads SET phone_e164 = @phone, phone_digits = @phoneDigits, mobile_e164 = @mobile, mobile_digits = @mobileDigits, version = version + 1 WHERE id = @id",
            "@phone", "@phoneDigits", "@mobile", "@mobileDigits", "@id");
        await using var deleteKeys = Command(connection, transaction,
            "DELETE FROM lead_match_keys WHERE lead_id = @id AND (key LIKE 'p:%' OR key LIKE 'pt:%')", "@id");
        await using var insertKey = Command(connection, transaction,
            $"INSERT{ignore.Item1} INTO lead_match_keys (workspace_id, lead_id, key) VALUES (@workspace, @id, @key){ignore.Item2}", "@workspace", "@id", "@key");

        for (var after = 0; ;)
        {
            var leads = await ReadAsync(connection, transaction, after, ct);
            if (leads.Count == 0)
                break;
            after = leads[^1].Id;
            foreach (var lead in leads)
            {
                var phone = PhoneNumbers.Read(lead.Phone, lead.DefaultCountry);
                var mobile = PhoneNumbers.Read(lead.Mobile, lead.DefaultCountry);
                // text without digits (which the writers never took) has no search digits
                var (phoneDigits, mobileDigits) = (phone?.Digits is { Length: > 0 } p ? p : null, mobile?.Digits is { Length: > 0 } m ? m : null);
                if (phone?.E164 == lead.PhoneE164 && phoneDigits == lead.PhoneDigits && mobile?.E164 == lead.MobileE164 && mobileDigits == lead.MobileDigits)
                    continue;
                await ExecuteAsync(update, ct, phone?.E164, phoneDigits, mobile?.E164, mobileDigits, lead.Id);
                if (!lead.NotArchived)
                    continue;   // archived leads have no keys
                await ExecuteAsync(deleteKeys, ct, lead.Id);
                var record = new MatchRecord { Id = lead.Id, Phone = phone?.E164 ?? phone?.Typed, Mobile = mobile?.E164 ?? mobile?.Typed, Country = lead.Country };
                foreach (var key in NormalizedRecord.From(record, lead.DefaultCountry).BlockingKeys.Where(k => k.StartsWith("p:", StringComparison.Ordinal) || k.StartsWith("pt:", StringComparison.Ordinal)))
                    await ExecuteAsync(insertKey, ct, lead.WorkspaceId, lead.Id, LeadMatchKey.Stored(key));
            }
        }
    }

    private sealed record Row(
        int Id, int WorkspaceId, string? Phone, string? PhoneE164, string? PhoneDigits, string? Mobile, string? MobileE164, string? MobileDigits,
        string? Country, string DefaultCountry, bool NotArchived);

    private static async Task<List<Row>> ReadAsync(DbConnection connection, DbTransaction transaction, int after, CancellationToken ct)
    {
        await using var cmd = Command(connection, transaction, $"""
            SELECT l.id, l.workspace_id, l.phone, l.phone_e164, l.phone_digits, l.mobile, l.mobile_e164, l.mobile_digits, l.country, w.default_country,
                   l.archived_at IS NULL
            FROM leads l JOIN workspaces w ON w.id = l.workspace_id
            WHERE l.id > @after AND (l.phone IS NOT NULL OR l.mobile IS NOT NULL)
            ORDER BY l.id LIMIT {Batch}
            """, "@after");
        cmd.Parameters[0].Value = after;
        var rows = new List<Row>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync(ct))
            rows.Add(new Row(reader.GetInt32(0), reader.GetInt32(1), Text(2), Text(3), Text(4), Text(5), Text(6), Text(7), Text(8), reader.GetString(9),
                Convert.ToBoolean(reader.GetValue(10), System.Globalization.CultureInfo.InvariantCulture)));
        return rows;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params string[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        foreach (var name in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static Task<int> ExecuteAsync(DbCommand cmd, CancellationToken ct, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        return cmd.ExecuteNonQueryAsync(ct);
    }
}
