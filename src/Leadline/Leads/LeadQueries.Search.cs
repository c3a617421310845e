using System.Globalization;
using Leadline.Common;
using Leadline.Common.Api;
using Leadline.Common.Time;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Leads;

/// <summary>The list's text search: trigram ILIKE on PostgreSQL, FTS5 or the e-mail index on SQLite, phone numbers by their digits.</summary>
public sealed partial class LeadQueries
{
    /// <summary>
    /// Search in name, company and e-mail, and in the phone numbers' digits (<see cref="Lead.PhoneDigits"/>: E.164, or as
    /// typed for a number kept unverified) when the text is mostly digits. PostgreSQL: any
    /// substring (ILIKE/LIKE), answered by the trigram index ix_leads_search (0007, 0021). SQLite: texts of 3+ characters go to the
    /// FTS5 table leads_search or, for an e-mail address, the e-mail index (<see cref="SqliteSearch"/>), which find words by their beginning and phone numbers by
    /// their start or last digits; shorter texts use LIKE, which reads the list's order until a page is full (a short text
    /// matches many leads, so that is quick).
    /// </summary>
    private IQueryable<Lead> Search(IQueryable<Lead> q, string text)
    {
        var pattern = "%" + EscapeLike(text) + "%";
        var phone = PhoneDigits(text);
        var byPhone = phone is not null;
        var typed = "%" + phone?.Typed + "%";
        // the number's E.164 digits as a second pattern only when they differ (each pattern is one more index scan)
        if (phone?.Read is { } read)
        {
            var asRead = "%" + read + "%";
            return db.Database.IsNpgsql()
                ? q.Where(l => EF.Functions.ILike(l.Name, pattern, "\\") || EF.Functions.ILike(l.Company!, pattern, "\\") || EF.Functions.ILike(l.Email!, pattern, "\\")
                               || EF.Functions.Like(l.PhoneDigits!, typed) || EF.Functions.Like(l.MobileDigits!, typed)
                               || EF.Functions.Like(l.PhoneDigits!, asRead) || EF.Functions.Like(l.MobileDigits!, asRead))
                : q.Where(l => EF.Functions.Like(l.Name, pattern, "\\") || EF.Functions.Like(l.Company!, pattern, "\\") || EF.Functions.Like(l.Email!, pattern, "\\")
                               || EF.Functions.Like(l.PhoneDigits!, typed) || EF.Functions.Like(l.MobileDigits!, typed)
                               || EF.Functions.Like(l.PhoneDigits!, asRead) || EF.Functions.Like(l.MobileDigits!, asRead));
        }
        if (db.Database.IsNpgsql())
            return q.Where(l => EF.Functions.ILike(l.Name, pattern, "\\") || EF.Functions.ILike(l.Company!, pattern, "\\") || EF.Functions.ILike(l.Email!, pattern, "\\")
                                || (byPhone && (EF.Functions.Like(l.PhoneDigits!, typed) || EF.Functions.Like(l.MobileDigits!, typed))));
        return q.Where(l => EF.Functions.Like(l.Name, pattern, "\\") || EF.Functions.Like(l.Company!, pattern, "\\") || EF.Functions.Like(l.Email!, pattern, "\\")
                            || (byPhone && (EF.Functions.Like(l.PhoneDigits!, typed) || EF.Functions.Like(l.MobileDigits!, typed))));
    }

    /// <summary>
    /// A phone search: 3+ digits that make up (nearly) the whole text, as in "+44 20 7946" or "(202) 555"; null otherwise.
    /// <c>Typed</c> is its digits; <c>Read</c> the digits of its E.164 form when the text is a full number in the workspace's
    /// country ("030 1234567" in Germany is +49301234567, whose digits do not hold "0301234567").
    /// </summary>
    private (string Typed, string? Read)? PhoneDigits(string text)
    {
        var digits = PhoneNumbers.Digits(text);
        if (digits.Length < 3 || digits.Length < text.Count(char.IsLetterOrDigit) - 1)
            return null;
        var e164 = digits.Length >= 7 ? PhoneNumbers.ToE164(text, WorkspaceCountry()) : null;
        return (digits, e164 is null || e164.Contains(digits, StringComparison.Ordinal) ? null : e164[1..]);
    }

    private string? _workspaceCountry;

    private string WorkspaceCountry() => _workspaceCountry ??=
        db.Workspaces.AsNoTracking().Where(w => w.Id == db.CurrentWorkspaceId).Select(w => w.DefaultCountry).FirstOrDefault() ?? "";

    /// <summary>
    /// On SQLite, the leads the search finds through an index; null elsewhere or when the text is too short. An e-mail
    /// address (text with an @ after its first character) is looked up as the beginning of the lead's lower-case e-mail on
    /// its own index: the search table would have to intersect its words, and every e-mail shares a few ("com", the domain).
    /// Other texts go to the FTS5 table. Its hits are then read by id and sorted, which is quick for a few hundred; a page
    /// of a common word ("smith": 10,000 of a million leads) instead walks the index of its order and takes the first 50
    /// that are hits (<c>+id</c> keeps SQLite from reading the hits by id). Counting the hits first, up to
    /// <see cref="CommonSearchHits"/>, costs a millisecond or two in the FTS5 table alone.
    /// </summary>
    private IQueryable<Lead>? SqliteSearch(string text, LeadSort? pageOrder)
    {
        if (!db.Database.IsSqlite())
            return null;
        if (EmailPrefix(text) is { } prefix)
        {
            // every text that starts with the prefix sorts from the prefix up to the prefix followed by the highest character
            var upTo = prefix + char.MaxValue;
            return db.Leads.FromSql(
                $"SELECT * FROM leads WHERE id IN (SELECT id FROM leads WHERE workspace_id = {db.CurrentWorkspaceId} AND email_normalized >= {prefix} AND email_normalized < {upTo})");
        }
        if (SqliteMatch(text) is not { } match)
            return null;
        var walkTheOrder = pageOrder is not null   // every order has an index
            && db.Database.SqlQuery<int>($"SELECT count(*) AS \"Value\" FROM (SELECT 1 FROM leads_search WHERE leads_search MATCH {match} LIMIT {CommonSearchHits + 1})")
                .AsEnumerable().Single() > CommonSearchHits;
        return walkTheOrder
            ? db.Leads.FromSql($"SELECT * FROM leads WHERE +id IN (SELECT rowid FROM leads_search WHERE leads_search MATCH {match})")
            : db.Leads.FromSql($"SELECT * FROM leads WHERE id IN (SELECT rowid FROM leads_search WHERE leads_search MATCH {match})");
    }

    /// <summary>The text as the beginning of an e-mail address (lower case, as <see cref="Lead.EmailNormalized"/>), or null.</summary>
    private static string? EmailPrefix(string text) =>
        text.Trim() is { Length: >= 3 } trimmed && trimmed.IndexOf('@', StringComparison.Ordinal) > 0 && !trimmed.Any(char.IsWhiteSpace)
            ? trimmed.ToLowerInvariant()
            : null;

    /// <summary>
    /// The FTS5 query for a search: the text as a phrase whose last word may continue ("john sm" finds John Smith) in the
    /// name, company and e-mail columns, or its digits as the beginning of an indexed phone token (see migration 0007).
    /// </summary>
    private string? SqliteMatch(string text)
    {
        if (text.Length < 3 || !text.Any(char.IsLetterOrDigit))
            return null;
        static string Phrase(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\" *";
        var phone = PhoneDigits(text);
        return "{name company email} : " + Phrase(text) + (phone is { } p ? " OR {phones} : " + Phrase(p.Typed) : "") + (phone?.Read is { } read ? " OR {phones} : " + Phrase(read) : "");
    }

    private IQueryable<Lead> Contains(IQueryable<Lead> q, string text, System.Linq.Expressions.Expression<Func<Lead, string?>> column)
    {
        var pattern = "%" + EscapeLike(text) + "%";
        var parameter = column.Parameters[0];
        var like = db.Database.IsNpgsql()
            ? typeof(NpgsqlDbFunctionsExtensions).GetMethod(nameof(NpgsqlDbFunctionsExtensions.ILike), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!
            : typeof(DbFunctionsExtensions).GetMethod(nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;
        var call = System.Linq.Expressions.Expression.Call(like, System.Linq.Expressions.Expression.Constant(EF.Functions), column.Body,
            System.Linq.Expressions.Expression.Constant(pattern), System.Linq.Expressions.Expression.Constant("\\"));
        return q.Where(System.Linq.Expressions.Expression.Lambda<Func<Lead, bool>>(call, parameter));
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
