namespace ModelUploads.Rounds;

/// <summary>The validation dataset; a single grain, key 0.</summary>
[Alias("ModelUploads.IValidationDataGrain")]
public interface IValidationDataGrain : IGrainWithIntegerKey
{
    /// <summary>Returns the staged validation data, or null when none is set.</summary>
    [Alias("Get")]
    Task<ValidationDataInfo?> GetAsync();

    /// <summary>Stages a validation file in Numerai's parquet layout, replacing the one before.</summary>
    [Alias("Set")]
    Task<ValidationDataInfo> SetAsync(string validationParquetPath);
}
