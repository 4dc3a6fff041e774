package dev.cvd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which command lines start the service (and with it the embedded broker). */
class CvdMainTest {

    @Test
    void onlyServeWithoutHelpOrVersionStartsTheService() {
        assertThat(CvdMain.isServe(new String[] {"serve"})).isTrue();
        assertThat(CvdMain.isServe(new String[] {"serve", "--speed", "max", "--loop"})).isTrue();
        assertThat(CvdMain.isServe(new String[] {"serve", "--help"})).isFalse();
        assertThat(CvdMain.isServe(new String[] {"serve", "-h"})).isFalse();
        assertThat(CvdMain.isServe(new String[] {"--version", "serve"})).isFalse();
        assertThat(CvdMain.isServe(new String[] {"replay", "serve"})).isFalse();
        assertThat(CvdMain.isServe(new String[] {"features", "x.gz"})).isFalse();
        assertThat(CvdMain.isServe(new String[] {})).isFalse();
    }

    @Test
    void aStartFailureIsItsInnermostCauseOnOneLine() {
        Exception wrapped =
                new RuntimeException(
                        "Failed to start quarkus",
                        new RuntimeException(
                                new IllegalStateException(
                                        "the embedded Kafka broker cannot listen on port 9092")));
        assertThat(CvdMain.cause(wrapped))
                .isEqualTo("the embedded Kafka broker cannot listen on port 9092");
        assertThat(CvdMain.cause(new RuntimeException(new java.net.BindException("in use"))))
                .isEqualTo("BindException: in use");
        assertThat(CvdMain.cause(new NullPointerException())).isEqualTo("NullPointerException");
    }
}
