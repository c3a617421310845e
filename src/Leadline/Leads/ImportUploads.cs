using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using Leadline.Common;
using Leadline.Common.Security;

namespace Leadline.Leads;

/// <summary>An uploaded CSV waiting for its import (the preview step).</summary>
public sealed record ImportUpload(Guid Id, string FileName, long Bytes, int Rows, DateTimeOffset UploadedAt);

/// <summary>The header and the first data rows of an upload, each row with the row number the import reports.</summary>
public sealed record CsvPreview(IReadOnlyList<string> Header, IReadOnlyList<(long Row, IReadOnlyList<string> Values)> Rows);

/// <summary>Why an upload was refused; the upload page shows the message.</summary>
public enum UploadProblem
{
    Missing,
    Empty,
    Type,
    Binary,
    TooBig,
    NoRows,
    Unreadable,
    NoHeader,
}

/// <summary>
/// Temporary storage of CSV uploads between the upload, the preview and the import: one folder per workspace and
/// user under the system temp folder (so nobody can open someone else's upload by guessing ids), files named by a
/// random id. An upload is normalised to UTF-8 on the way in; it is deleted once imported, and anything older than
/// <see cref="Lifetime"/> is swept away on the next upload or import.
/// </summary>
public static class ImportUploads
{
    public const long MaxBytes = 20 * 1024 * 1024;

    /// <summary>Request body limit of the upload endpoint: above <see cref="MaxBytes"/>, so a too-big file still gets a friendly message.</summary>
    public const long MaxRequestBytes = 64 * 1024 * 1024;

    public const int PreviewRows = 5;

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly CsvReaderOptions ReaderOptions = new() { HasHeader = false, TrackLineNumbers = true, TrimWhitespace = true };

    public static string Root { get; } = Path.Combine(Path.GetTempPath(), "leadline-imports");

    public static string Message(UploadProblem problem) => problem switch
    {
        UploadProblem.Missing => "Choose a CSV file to import.",
        UploadProblem.Empty => "The file is empty. Choose a CSV file whose first row names the columns.",
        UploadProblem.Type => "Only .csv files can be imported. In Excel or Google Sheets, save or download the sheet as CSV first.",
        UploadProblem.Binary => "This file is not plain-text CSV (an Excel workbook renamed to .csv, perhaps). Save the sheet as CSV and try again.",
        UploadProblem.TooBig => $"The file is larger than {MaxBytes / 1024 / 1024} MB. Split it into smaller files and import them one after another.",
        UploadProblem.NoRows => "The file has a header row but no leads below it.",
        UploadProblem.Unreadable => "The file could not be read as CSV. Check that it was saved as CSV and try again.",
        UploadProblem.NoHeader => "The file has no header row: its first row holds data (an e-mail address or a phone number). Add a first row naming the columns (name, email, phone, ...) and upload it again.",
        _ => "The file could not be uploaded.",
    };

    /// <summary>Checks and stores an uploaded file; returns its id, or why it was refused (nothing stored then).</summary>
    public static async Task<(Guid? Id, UploadProblem? Problem)> SaveAsync(CurrentUser me, IFormFile? file, CancellationToken ct)
    {
        Sweep();
        if (file is null || string.IsNullOrWhiteSpace(file.FileName))
            return (null, UploadProblem.Missing);
        if (!string.Equals(Path.GetExtension(file.FileName), ".csv", StringComparison.OrdinalIgnoreCase))
            return (null, UploadProblem.Type);
        if (file.Length == 0)
            return (null, UploadProblem.Empty);
        if (file.Length > MaxBytes)
            return (null, UploadProblem.TooBig);

        byte[] bytes;
        await using (var stream = file.OpenReadStream())
        using (var buffer = new MemoryStream((int)file.Length))
        {
            await stream.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }
        if (Decode(bytes) is not { } text)
            return (null, UploadProblem.Binary);
        if (string.IsNullOrWhiteSpace(text))
            return (null, UploadProblem.Empty);

        int rows;
        try
        {
            using var csv = CsvReader.Create(new StringReader(text), ReaderOptions);
            if (!await csv.ReadAsync(ct) || Enumerable.Range(0, csv.FieldCount).All(i => string.IsNullOrWhiteSpace(csv.GetString(i))))
                return (null, UploadProblem.Empty);
            if (ImportHeader.Problem([.. Enumerable.Range(0, csv.FieldCount).Select(csv.GetString)], null) is not null)
                return (null, UploadProblem.NoHeader);
            rows = 0;
            while (await csv.ReadAsync(ct))
                rows++;
        }
        catch (CsvFormatException)
        {
            return (null, UploadProblem.Unreadable);
        }
        if (rows == 0)
            return (null, UploadProblem.NoRows);

        var id = Guid.NewGuid();
        Directory.CreateDirectory(Folder(me));
        await File.WriteAllTextAsync(CsvPath(me, id), text, new UTF8Encoding(false), ct);
        var upload = new ImportUpload(id, Path.GetFileName(file.FileName), file.Length, rows, DateTimeOffset.UtcNow);
        await WriteJsonAsync(UploadPath(me, id), upload, ct);
        return (id, null);
    }

    /// <summary>The signed-in user's upload that is waiting for its import, or null (unknown, expired, or imported already).</summary>
    public static async Task<ImportUpload?> FindAsync(CurrentUser me, Guid id, CancellationToken ct)
    {
        if (!File.Exists(CsvPath(me, id)) || await ReadJsonAsync<ImportUpload>(UploadPath(me, id), ct) is not { } upload)
            return null;
        if (DateTimeOffset.UtcNow - upload.UploadedAt <= Lifetime)
            return upload;
        Delete(CsvPath(me, id), UploadPath(me, id));
        return null;
    }

    /// <summary>The column names and the first <see cref="PreviewRows"/> data rows (values beyond the header's columns are left out).</summary>
    public static async Task<CsvPreview> PreviewAsync(CurrentUser me, Guid id, int rows, CancellationToken ct)
    {
        using var reader = new StreamReader(CsvPath(me, id), Encoding.UTF8);
        using var csv = CsvReader.Create(reader, ReaderOptions);
        if (!await csv.ReadAsync(ct))
            return new CsvPreview([], []);
        var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetString).ToList();
        var data = new List<(long, IReadOnlyList<string>)>();
        while (data.Count < rows && await csv.ReadAsync(ct))
            data.Add((csv.RowNumber, header.Select((_, i) => i < csv.FieldCount ? CsvCells.Restore(csv.GetString(i)) : "").ToList()));
        return new CsvPreview(header, data);
    }

    /// <summary>
    /// Takes the upload for an import: only one request can win (a double click, two tabs), the others get null.
    /// The returned file must be handed back with <see cref="Release"/>.
    /// </summary>
    public static string? Claim(CurrentUser me, Guid id)
    {
        var claimed = CsvPath(me, id) + ".importing";
        try
        {
            File.Move(CsvPath(me, id), claimed);
            return claimed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>After the import the file goes away; when the import failed it is put back, so the user can try again.</summary>
    public static void Release(CurrentUser me, Guid id, string claimed, bool imported)
    {
        if (imported)
        {
            Delete(claimed, UploadPath(me, id));
            return;
        }
        try
        {
            File.Move(claimed, CsvPath(me, id));
        }
        catch (IOException)
        {
            // swept meanwhile: the user uploads again
        }
    }

    /// <summary>
    /// Gives back the file of an import that stopped without handing it back (its process died): call only when the
    /// import's record says it stopped. Of two callers at once, one moves it.
    /// </summary>
    public static void Recover(CurrentUser me, Guid id)
    {
        try
        {
            if (!File.Exists(CsvPath(me, id)))
                File.Move(CsvPath(me, id) + ".importing", CsvPath(me, id));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone (swept) or moved by the other caller
        }
    }

    /// <summary>Deletes every upload and result older than <see cref="Lifetime"/>, of all users.</summary>
    public static void Sweep()
    {
        if (!Directory.Exists(Root))
            return;
        var cutoff = DateTime.UtcNow - Lifetime;
        try
        {
            foreach (var folder in Directory.EnumerateDirectories(Root))
            {
                // the (empty) folders stay: deleting one could race with an upload that just created it
                foreach (var file in Directory.EnumerateFiles(folder))
                {
                    if (File.GetLastWriteTimeUtc(file) < cutoff)
                        Delete(file);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // another request swept or uploaded at the same moment; the next sweep catches up
        }
    }

    /// <summary>
    /// The file's text: UTF-8 (with or without BOM) or UTF-16 with BOM as they are, anything else that is not UTF-8
    /// read as Windows-1252 (what Excel writes). Null for binary content (NUL bytes outside UTF-16).
    /// </summary>
    internal static string? Decode(byte[] bytes)
    {
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
            return Encoding.Unicode.GetString(span[2..]);
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            return Encoding.BigEndianUnicode.GetString(span[2..]);
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            span = span[3..];
        if (span.Contains((byte)0))
            return null;
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(span);
        }
        catch (DecoderFallbackException)
        {
            var windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;
            return windows1252.GetString(span);
        }
    }

    private static string Folder(CurrentUser me) => Path.Combine(Root, $"w{me.WorkspaceId}-u{me.Id}");

    private static string CsvPath(CurrentUser me, Guid id) => Path.Combine(Folder(me), $"{id:N}.csv");

    private static string UploadPath(CurrentUser me, Guid id) => Path.Combine(Folder(me), $"{id:N}.upload.json");

    private static async Task WriteJsonAsync<T>(string path, T value, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await using (var file = File.Create(temp))
            await JsonSerializer.SerializeAsync(file, value, Json, ct);
        File.Move(temp, path, overwrite: true);
    }

    private static async Task<T?> ReadJsonAsync<T>(string path, CancellationToken ct)
        where T : class
    {
        try
        {
            await using var file = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<T>(file, Json, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static void Delete(params string[] paths)
    {
        foreach (var path in paths)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // in use or gone: the sweep deletes it later
            }
        }
    }
}
