package dev.cvd.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model.meta.json}: snake_case names, a lossless round trip, unknown fields ignored. */
class ModelMetaTest {

    @TempDir Path dir;

    @Test
    void writesSnakeCaseFieldsInDeclarationOrderAndReadsThemBack() throws Exception {
        ModelMeta meta = ModelBundleTest.meta(List.of("rv_60s", "ret_1s"), "model.ubj");
        Path file = dir.resolve(ModelMeta.FILE_NAME);
        meta.write(file);

        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.fieldNames())
                .toIterable()
                .containsExactly(
                        "bundle_format",
                        "name",
                        "version",
                        "contract_version",
                        "features",
                        "model_file",
                        "objective",
                        "label",
                        "horizon_s",
                        "tau",
                        "threshold",
                        "train_start",
                        "train_end",
                        "data_fingerprint",
                        "created_at",
                        "params",
                        "metrics");
        assertThat(json.get("tau").asDouble()).isEqualTo(1.25e-4);
        assertThat(json.get("metrics").get("test").get("pr_auc").asDouble()).isEqualTo(0.41);
        assertThat(ModelMeta.read(file)).isEqualTo(meta);
    }

    @Test
    void ignoresUnknownFields() throws Exception {
        String text =
                "{\"bundle_format\":1,\"name\":\"n\",\"contract_version\":1,\"features\":[\"obi\"],"
                        + "\"model_file\":\"model.json\",\"threshold\":0.5,\"future_field\":{\"x\":1}}";
        ModelMeta meta = ModelMeta.parse(text.getBytes(StandardCharsets.UTF_8));
        assertThat(meta.features()).containsExactly("obi");
        assertThat(meta.threshold()).isEqualTo(0.5);
        assertThat(meta.params()).isEmpty();
        assertThat(meta.metrics()).isEmpty();
        Files.write(dir.resolve("m.json"), meta.toJson());
        assertThat(ModelMeta.read(dir.resolve("m.json"))).isEqualTo(meta);
    }
}
