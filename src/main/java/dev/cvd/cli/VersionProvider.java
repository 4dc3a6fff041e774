package dev.cvd.cli;

import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.IVersionProvider;

/** Prints the application version from the build. */
public class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version =
                ConfigProvider.getConfig()
                        .getOptionalValue("quarkus.application.version", String.class)
                        .orElse("unknown");
        return new String[] {"cvd " + version};
    }
}
