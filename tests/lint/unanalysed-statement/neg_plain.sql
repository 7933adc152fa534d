SELECT count(*) FROM sample;
