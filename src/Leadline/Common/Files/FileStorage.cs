namespace Leadline.Common.Files;

/// <summary>Where uploaded files live. Local folder by default; an object store can implement the same three calls.</summary>
public interface IFileStorage
{
    Task SaveAsync(string key, Stream content, CancellationToken ct);

    /// <summary>The file's content, or null when there is no such file.</summary>
    Task<Stream?> OpenAsync(string key, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);
}

public sealed class FileStorageOptions
{
    /// <summary>Root folder of the local storage (relative to the working directory).</summary>
    public string Path { get; set; } = "data/files";
}

/// <summary>Files under one root folder; keys are relative paths made by the app (never by users).</summary>
public sealed class LocalFileStorage(Microsoft.Extensions.Options.IOptions<FileStorageOptions> options) : IFileStorage
{
    private string Root => System.IO.Path.GetFullPath(options.Value.Path);

    public async Task SaveAsync(string key, Stream content, CancellationToken ct)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        // write to a temp name and move, so a reader never sees half a file
        var temp = path + ".tmp";
        await using (var file = File.Create(temp))
            await content.CopyToAsync(file, ct);
        File.Move(temp, path, overwrite: true);
    }

    public Task<Stream?> OpenAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        return Task.FromResult<Stream?>(File.Exists(path) ? File.OpenRead(path) : null);
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        if (File.Exists(path))
            File.Delete(path);
        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, key));
        if (!path.StartsWith(Root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("The key leaves the storage folder.", nameof(key));
        return path;
    }
}
