using Leadline.Activities;
using Leadline.Common.Api;
using Leadline.Common.Files;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Notes;

public sealed record NoteAttachmentResponse(int Id, string Name, string ContentType, long Size, bool Image, string Url);

/// <summary>
/// Photos and files on notes: at most <see cref="MaxFiles"/> files of <see cref="MaxBytes"/> each, of the kinds in
/// <see cref="Kinds"/> (checked by extension and by the file's first bytes, so a renamed program is refused), kept in
/// <see cref="IFileStorage"/> under a key the app makes. A note and its files are saved together: the files are checked
/// and stored first, and removed again if the note is refused.
/// </summary>
public sealed class NoteAttachments(LeadlineDb db, IFileStorage storage, TimeProvider time, LeadInteractions interactions)
{
    public const long MaxBytes = 10 * 1024 * 1024;

    public const int MaxFiles = 5;

    /// <summary>What may be attached: extension, the type it is served as, and the bytes it starts with (null: text, no NUL).</summary>
    public static readonly (string Extension, string ContentType, byte[]? Magic)[] Kinds =
    [
        ("jpg", "image/jpeg", [0xFF, 0xD8, 0xFF]),
        ("jpeg", "image/jpeg", [0xFF, 0xD8, 0xFF]),
        ("png", "image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ("gif", "image/gif", [0x47, 0x49, 0x46, 0x38]),
        ("webp", "image/webp", [0x52, 0x49, 0x46, 0x46]),
        ("pdf", "application/pdf", [0x25, 0x50, 0x44, 0x46]),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", [0x50, 0x4B, 0x03, 0x04]),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [0x50, 0x4B, 0x03, 0x04]),
        ("odt", "application/vnd.oasis.opendocument.text", [0x50, 0x4B, 0x03, 0x04]),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet", [0x50, 0x4B, 0x03, 0x04]),
        ("doc", "application/msword", [0xD0, 0xCF, 0x11, 0xE0]),
        ("xls", "application/vnd.ms-excel", [0xD0, 0xCF, 0x11, 0xE0]),
        ("txt", "text/plain", null),
        ("csv", "text/csv", null),
    ];

    /// <summary>The accept attribute of the file input.</summary>
    public static string Accept => string.Join(",", Kinds.Select(k => "." + k.Extension));

    public async Task<Result<NoteResponse>> AddNoteAsync(int leadId, NoteRequest request, IReadOnlyList<IFormFile> files, CancellationToken ct)
    {
        if (files.Count == 0)
            return await interactions.AddNoteAsync(leadId, request, ct);
        var workspaceId = db.CurrentWorkspaceId;
        var stored = await StoreAsync(workspaceId, leadId, files, ct);
        if (!stored.Succeeded)
            return Result<NoteResponse>.Invalid(stored.Errors);
        var result = await interactions.AddNoteAsync(leadId, request, stored.Value!, ct);
        if (!result.Succeeded)
            await DiscardAsync(stored.Value!);
        return result;
    }

    /// <summary>More files on a note of the lead (the API's upload).</summary>
    public async Task<Result<List<NoteAttachmentResponse>>> AttachAsync(int leadId, int noteId, IReadOnlyList<IFormFile> files, CancellationToken ct)
    {
        if (!await db.Notes.AnyAsync(n => n.Id == noteId && n.LeadId == leadId, ct))
            return Result<List<NoteAttachmentResponse>>.Missing();
        if (files.Count == 0)
            return Result<List<NoteAttachmentResponse>>.Invalid("file", "Choose a file to attach.");
        if (await db.NoteAttachments.CountAsync(a => a.NoteId == noteId, ct) + files.Count > MaxFiles)
            return Result<List<NoteAttachmentResponse>>.Invalid("file", $"A note can have at most {MaxFiles} files.");
        var stored = await StoreAsync(db.CurrentWorkspaceId, leadId, files, ct);
        if (!stored.Succeeded)
            return Result<List<NoteAttachmentResponse>>.Invalid(stored.Errors);
        foreach (var attachment in stored.Value!)
        {
            attachment.NoteId = noteId;
            db.NoteAttachments.Add(attachment);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            await DiscardAsync(stored.Value!);
            throw;
        }
        return Result<List<NoteAttachmentResponse>>.Ok(stored.Value!.Select(a => ToResponse(a, ApiUrl(a))).ToList());
    }

    /// <summary>An attachment of a lead of the caller's workspace (the query filter: another workspace's id is not found).</summary>
    public async Task<(Stream Content, NoteAttachment Attachment)?> OpenAsync(int leadId, int attachmentId, CancellationToken ct)
    {
        var attachment = await db.NoteAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId && a.LeadId == leadId, ct);
        if (attachment is null || await storage.OpenAsync(attachment.StorageKey, ct) is not { } content)
            return null;
        return (content, attachment);
    }

    /// <summary>Checks every file before any is kept, then stores them; the rows are not added (the caller links them to a note).</summary>
    private async Task<Result<List<NoteAttachment>>> StoreAsync(int workspaceId, int leadId, IReadOnlyList<IFormFile> files, CancellationToken ct)
    {
        var errors = new Errors();
        if (files.Count > MaxFiles)
            errors.Add("file", $"Attach at most {MaxFiles} files to a note.");
        var kinds = new List<(IFormFile File, string Extension, string ContentType, string Name)>();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file.FileName ?? "").Trim();
            name = string.Concat(name.Where(c => !char.IsControl(c)));
            if (name.Length == 0)
                name = "file";
            if (name.Length > 255)
                name = name[^255..];
            if (file.Length == 0)
            {
                errors.Add("file", $"{name} is empty.");
                continue;
            }
            if (file.Length > MaxBytes)
            {
                errors.Add("file", $"{name} is larger than {MaxBytes / (1024 * 1024)} MB.");
                continue;
            }
            var extension = Path.GetExtension(name).TrimStart('.').ToLowerInvariant();
            var kind = Kinds.FirstOrDefault(k => k.Extension == extension);
            if (kind.ContentType is null || !await LooksLikeAsync(file, kind.Magic, extension, ct))
            {
                errors.Add("file", $"{name}: attach photos (JPEG, PNG, GIF, WebP) or documents (PDF, Word, Excel, OpenDocument, text, CSV).");
                continue;
            }
            kinds.Add((file, extension, kind.ContentType, name));
        }
        if (errors.Any)
            return Result<List<NoteAttachment>>.Invalid(errors);

        var now = time.GetUtcNow().UtcDateTime;
        var stored = new List<NoteAttachment>();
        try
        {
            foreach (var (file, extension, contentType, name) in kinds)
            {
                var key = $"ws{workspaceId}/leads/{leadId}/notes/{Guid.NewGuid():N}.{extension}";
                await using (var content = file.OpenReadStream())
                    await storage.SaveAsync(key, content, ct);
                stored.Add(new NoteAttachment
                {
                    WorkspaceId = workspaceId, LeadId = leadId, FileName = name, ContentType = contentType, Size = file.Length, StorageKey = key, CreatedAt = now,
                });
            }
        }
        catch
        {
            await DiscardAsync(stored);
            throw;
        }
        return Result<List<NoteAttachment>>.Ok(stored);
    }

    private static async Task<bool> LooksLikeAsync(IFormFile file, byte[]? magic, string extension, CancellationToken ct)
    {
        var head = new byte[512];
        int read;
        await using (var stream = file.OpenReadStream())
            read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var bytes = head.AsSpan(0, read);
        if (magic is null)
            return !bytes.Contains((byte)0);   // text: a NUL says it is not
        if (!bytes.StartsWith(magic))
            return false;
        return extension != "webp" || (read > 12 && bytes.Slice(8, 4).SequenceEqual("WEBP"u8));
    }

    private async Task DiscardAsync(IEnumerable<NoteAttachment> attachments)
    {
        foreach (var attachment in attachments)
            await storage.DeleteAsync(attachment.StorageKey, CancellationToken.None);
    }

    public static string PageUrl(NoteAttachment a) => $"/leads/{a.LeadId}/attachments/{a.Id}";

    public static string ApiUrl(NoteAttachment a) => $"/api/v1/leads/{a.LeadId}/notes/attachments/{a.Id}";

    public static NoteAttachmentResponse ToResponse(NoteAttachment a, string url) => new(a.Id, a.FileName, a.ContentType, a.Size, a.IsImage, url);

    /// <summary>The download: images inline (thumbnails), everything else as a file to save, never rendered by the browser.</summary>
    public static IResult Download((Stream Content, NoteAttachment Attachment) file) =>
        Results.Stream(file.Content, file.Attachment.ContentType, file.Attachment.IsImage ? null : file.Attachment.FileName);
}
