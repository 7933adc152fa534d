-- expect: not-in-transaction 2:1
COMMIT PREPARED 'deploy_1';
