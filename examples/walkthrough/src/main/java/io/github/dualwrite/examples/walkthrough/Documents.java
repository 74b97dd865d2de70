package io.github.dualwrite.examples.walkthrough;

/** The documents the walkthrough applies, as an operator would write them. */
final class Documents {

    static final String START = document("OLD_ONLY", "OLD_ONLY", 0);

    private Documents() {
    }

    /** The {@code points} unit with base stage {@code stage}, and {@code ratio} basis points in {@code grayStage}. */
    static String document(String stage, String grayStage, int ratio) {
        return """
                units:
                  points:
                    routing-column: user_id
                    tables:
                      points_account: { primary-key: [id], version-column: gmt_modified, id-source: SEQUENCE }
                      points_detail: { primary-key: [id], version-column: gmt_modified, id-source: SEQUENCE }
                    stage: %s
                    gray:
                      stage: %s
                      ratio: %d
                      whitelist: [10001, vip-7]
                      blacklist: [42]
                secondary:
                  mode: SYNC
                  timeout: 2s
                unkeyed-policy: EXECUTE_BOTH
                """.formatted(stage, grayStage, ratio);
    }
}
